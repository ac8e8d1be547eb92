"""QR codes of share addresses, drawn on the server as SVG (no script, no third party)."""

import functools
import io

import segno


# A share's address never changes, and drawing its code (segno trying all eight masks) costs more
# than the rest of the landing page: each code is drawn once per process.
@functools.lru_cache(maxsize=1024)
def qr_svg(text: str, *, title: str = "") -> bytes:
    """An SVG QR code of `text`, black on white so that phones read it in dark mode too."""
    code = segno.make(text, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        dark="#000",
        light="#fff",
        xmldecl=False,
        omitsize=True,  # a viewBox only: the page sizes it
        title=title or None,  # segno escapes it
    )
    return buffer.getvalue()
