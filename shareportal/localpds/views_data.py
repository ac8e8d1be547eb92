"""Serving file contents behind signed data URLs (see `dataurls`)."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden


def data(request: HttpRequest, file_id: str, kind: str) -> HttpResponse:
    return HttpResponseForbidden()
