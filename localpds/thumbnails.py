"""JPEG thumbnails of image files, made with Pillow and cached on disk by content hash.

Thumbnails live under `LOCALPDS_DATA_DIR/thumbs`, named by the SHA-1 of the image they were
made from, so every file with the same contents shares one, and a changed file gets a new one.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import File
from .storage import blob_path

MAX_SIZE = 256
QUALITY = 80
# Larger images are not decoded at all: a tiny file can claim billions of pixels (a
# decompression bomb), and no real photo needs more than this.
MAX_PIXELS = 80_000_000


def thumbs_dir() -> Path:
    return Path(settings.LOCALPDS_DATA_DIR) / "thumbs"


def thumbnail_path(file: File) -> Path | None:
    """The path of a JPEG thumbnail of `file`, made on first use; None if it is no image."""
    if file.is_folder or file.category != "image" or not file.content_hash:
        return None
    digest = file.content_hash.lower()
    path = thumbs_dir() / digest[:2] / f"{digest}.jpg"
    if path.exists():
        return path
    try:
        thumbnail = _render(blob_path(file))
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        # Not an image Pillow can read (or a corrupt or hostile one): there is no thumbnail.
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as tmp:
            thumbnail.save(tmp, "JPEG", quality=QUALITY, optimize=True)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return path


def _render(source: Path) -> Image.Image:
    image: Image.Image
    with Image.open(source) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValueError(f"{width}x{height} is too many pixels for a thumbnail")
        # A JPEG can decode straight to a smaller size, which is much faster for big photos.
        image.draft("RGB", (MAX_SIZE * 2, MAX_SIZE * 2))
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIZE, MAX_SIZE))
        if image.mode in ("RGBA", "LA", "P", "PA"):
            # JPEG has no transparency: flatten onto white, as viewers show it.
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image.convert("RGB")
