"""The assembly: what needs every app (the API router registry, the home page, the demo,
and the tests and test worlds that sweep the whole product). Nothing imports it but
``urls.py`` and the commands."""
