"""Image and audio encodings of TF1's summary kernels: PNG (zlib, as libpng writes it, the
bytes may differ from TF's but decode to the same pixels) and 16-bit PCM WAV."""
import struct
import zlib

import numpy as np

_PNG_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> gray, gray+alpha, RGB, RGBA


def encode_png(image):
    """PNG bytes of a uint8 [height, width, channels] array (channels 1, 2, 3 or 4)."""
    h, w, c = image.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), image.reshape(h, w * c)], axis=1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", w, h, 8, _PNG_COLOR_TYPE[c], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(rows.tobytes())) + chunk(b"IEND", b""))


def normalize_image(image, bad_color):
    """TF1's ImageSummary conversion of one [h, w, c] image to uint8: uint8 as is; floats
    scaled by 255/max when none is negative, else by 127/max|v| around 128, computed in the
    image's dtype and truncated; pixels with a non-finite channel get `bad_color`."""
    if image.dtype == np.uint8:
        return image
    depth = image.shape[-1]
    finite = np.all(np.isfinite(image), axis=-1)
    good = image[finite].astype(np.float32)
    lo = np.float32(good.min()) if good.size else np.float32(np.inf)
    hi = np.float32(good.max()) if good.size else np.float32(-np.inf)
    if not image.size:
        return image.astype(np.uint8)
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale = np.float32(0.0) if max_val < 1e-6 else np.float32(127.0) / max_val
        offset = np.float32(128.0)
    else:
        scale = np.float32(0.0) if hi < 1e-6 else np.float32(255.0) / hi
        offset = np.float32(0.0)
    dt = image.dtype
    with np.errstate(invalid="ignore", over="ignore"):
        out = (image * dt.type(scale) + dt.type(offset)).astype(np.uint8)
    out[~finite] = np.asarray(bad_color, np.uint8)[:depth]
    return out


def encode_wav(audio, sample_rate):
    """16-bit little-endian PCM WAV bytes of float [frames, channels] samples in [-1, 1]
    (scaled by 2**15, rounded half away from zero and clamped, as TF's wav_io)."""
    frames, channels = audio.shape
    scaled = np.asarray(audio, np.float32) * np.float32(1 << 15)
    wide = scaled.astype(np.float64)  # exact: roundf's half-away-from-zero without rounding
    rounded = np.trunc(wide + np.copysign(0.5, wide))
    samples = np.clip(rounded, -32768, 32767).astype("<i2")
    data = samples.tobytes()
    rate = int(sample_rate)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE" + b"fmt " +
            struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data)
