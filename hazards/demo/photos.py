"""Small real images for the demo's hazard photos: a coloured scene with a caption, JPEG or
PNG, so the photo pages and thumbnails show something that looks like a site photo and passes
the upload checks (magic bytes) like a real one."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

#: Background and shape colours by stage: warning tones before, green after, blue for visits.
PALETTES = {
    "before": ((176, 58, 46), (230, 126, 34), (241, 196, 15), (93, 64, 55)),
    "after": ((39, 174, 96), (22, 160, 133), (46, 204, 113), (127, 140, 141)),
    "visit": ((41, 128, 185), (52, 73, 94), (93, 173, 226), (149, 165, 166)),
    "tip": ((142, 68, 173), (192, 57, 43), (243, 156, 18), (44, 62, 80)),
}
SIZE = (320, 240)


def demo_photo(name: str, *, stage: str, caption: str, seed: str, png: bool = False) -> SimpleUploadedFile:
    """An image of a made-up site: ground, a building, a few objects and a caption bar.
    Deterministic for a given ``seed``."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    palette = PALETTES.get(stage, PALETTES["before"])
    width, height = SIZE
    image = Image.new("RGB", SIZE, palette[3])
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(height // 3, height // 2)
    draw.rectangle((0, 0, width, horizon), fill=(200, 220, 235))
    draw.rectangle((0, horizon, width, height), fill=tuple(max(0, c - 40) for c in palette[3]))
    left = rng.randint(10, width // 3)
    draw.rectangle((left, horizon - rng.randint(40, 90), left + rng.randint(90, 160), horizon + 20), fill=(180, 180, 170), outline=(90, 90, 90))
    for _ in range(rng.randint(3, 6)):
        x, y = rng.randint(0, width - 40), rng.randint(horizon, height - 60)
        w, h = rng.randint(15, 60), rng.randint(15, 45)
        colour = rng.choice(palette[:3])
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=colour, outline=(30, 30, 30))
        else:
            draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(30, 30, 30))
    draw.rectangle((0, height - 34, width, height), fill=(0, 0, 0))
    try:
        font = ImageFont.load_default(size=16)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        font = ImageFont.load_default()
    draw.text((8, height - 28), caption[:40], fill=palette[2] if stage != "after" else (255, 255, 255), font=font)
    buffer = io.BytesIO()
    if png:
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="JPEG", quality=70)
    extension = "png" if png else "jpg"
    return SimpleUploadedFile(f"{name}.{extension}", buffer.getvalue(), content_type=f"image/{'png' if png else 'jpeg'}")
