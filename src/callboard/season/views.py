"""Pages of the season app: parse the request, call one service or selector, render."""

from django.http import HttpResponse

def calendar(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('calendar')


def venues(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('venues')


def performance(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('performance')

