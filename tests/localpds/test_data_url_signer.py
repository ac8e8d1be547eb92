"""The per-request `dataurls.Signer` writes exactly the URLs the one-off `reverse()` path did."""

import hashlib
import hmac
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.urls import reverse

from localpds import dataurls

pytestmark = [pytest.mark.urls("localpds.urls")]


def reference_url(file_id: str, kind: str, expires: int, secret: str, file_name: str = "") -> str:
    """The URL as first specified: sha256-derived key, HMAC of the four fields, urlencode."""
    key = hashlib.sha256(b"localpds.dataurl:" + secret.encode()).digest()
    message = f"{file_id}\n{kind}\n{expires}\n{file_name}".encode()
    params = {"e": expires, "s": hmac.new(key, message, hashlib.sha256).hexdigest()}
    if file_name:
        params["n"] = file_name
    path = reverse("localpds-data", kwargs={"file_id": file_id, "kind": kind})
    return f"http://testserver{path}?{urlencode(params)}"


@pytest.mark.parametrize(
    "file_id", ["0123456789abcdef0123456789abcdef01234567", "a b", "é-ü", "x:y@z", "FILEID"]
)
@pytest.mark.parametrize("kind", dataurls.KINDS)
@pytest.mark.parametrize("file_name", ["", "Report 2024 &=?.pdf"])
def test_signed_urls_are_byte_for_byte_the_reference(settings, file_id, kind, file_name):
    signer = dataurls.Signer(RequestFactory().get("/"), 300)
    url = signer.url(file_id, kind, file_name=file_name)
    assert url == reference_url(file_id, kind, signer.expires, settings.SECRET_KEY, file_name)


def test_one_signer_signs_every_item_of_a_request_with_one_expiry():
    signer = dataurls.Signer(RequestFactory().get("/"), 60)
    urls = [signer.url(f"{i:040x}", "preview") for i in range(3)]
    assert all(f"?e={signer.expires}&s=" in url for url in urls)


def test_a_new_secret_key_makes_new_signatures(settings):
    url, expires = dataurls.data_url(RequestFactory().get("/"), "f" * 40, "preview")
    signature = url.rsplit("s=", 1)[1]
    assert dataurls.verify("f" * 40, "preview", str(expires), signature)
    settings.SECRET_KEY = "another secret " + "k" * 40
    assert not dataurls.verify("f" * 40, "preview", str(expires), signature)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        dataurls.Signer(RequestFactory().get("/")).url("f" * 40, "everything")
