"""Pages of the repertoire app: parse the request, call one service or selector, render."""

from django.http import HttpResponse

def works(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('works')


def work(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('work')


def commissions(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('commissions')

