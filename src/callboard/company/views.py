"""Pages of the company app: parse the request, call one service or selector, render."""

from django.http import HttpResponse

def roster(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('roster')


def dancer(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('dancer')


def staff(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('staff')


def studios(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('studios')


def labour(request, **kwargs):  # placeholder until the page lands
    return HttpResponse('labour')

