"""`tf.image`: resizing (TF1's four kernels with their `align_corners` / `half_pixel_centers`
coordinate rules), crops, pads, flips, rotations, dtype conversion, colour spaces and
adjustments, their random variants, gradients, total variation, PSNR and SSIM.

Resize kernels are written from TF1's CPU kernels (resize_bilinear_op, resize_nearest_neighbor_op,
resize_bicubic_op with its 1024-entry coefficient table, resize_area_op), not from
`jax.image.resize`, whose sampling grid is TF2's: the source coordinate of output pixel x is
`x * scale` (legacy) or `(x + 0.5) * scale - 0.5` (half-pixel centers; nearest neighbour drops
the `- 0.5`), with `scale = (in - 1) / (out - 1)` under `align_corners`, else `in / out`. The
index tables are NumPy, made when the run is traced (input sizes may be fed), so a resize is a
few gathers and lerps. Gradients are JAX's of these kernels, which equal TF1's registered
gradients (the kernels are linear in the image); `ResizeArea` has none in TF1 (LookupError).

Functions composed of other ops (convert_image_dtype, adjust_brightness, random flips, ...)
build the same ops as TF1. Random ops draw from our PRNG with TF1's seeding rules (see
`random_ops`): reproducible under `tf.set_random_seed`, but not TF1's bits.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops, data_dependent_ops, math_ops, random_ops
from tfvars_jax.ops.array_ops import concrete_dims


class ResizeMethod:
    """TF1's `tf.image.ResizeMethod` (the v1 integer codes; TF2's strings are accepted too)."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_METHODS = {0: "bilinear", 1: "nearest", 2: "bicubic", 3: "area", "bilinear": "bilinear",
            "nearest": "nearest", "bicubic": "bicubic", "area": "area"}


# ----- shape helpers -------------------------------------------------------------------------
def _image(image, what, ranks=(3, 4), name="image"):
    """`image` as a Tensor of rank in `ranks` (TF1's ValueError otherwise)."""
    x = convert_to_tensor(image, name=name)
    rank = x.shape.ndims
    if rank is None and what.startswith("resize"):
        raise ValueError("'images' contains no shape.")
    if rank is None:
        raise NotImplementedError(f"{what}: '{x.name}' has an unknown rank; give the image a "
                                  "shape of rank 3 or 4 (tf.placeholder(..., [None, None, 3])).")
    if rank not in ranks:
        if rank >= 3:
            raise ValueError(f"'image' (shape {x.shape}) must have either 3 or 4 dimensions.")
        raise ValueError(f"'image' (shape {x.shape}) must be at least three-dimensional.")
    if x.shape.ndims >= 3 and any(d == 0 for d in x.shape.as_list()[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {x.shape}")
    return x


def _static_int(v, what):
    if isinstance(v, ops_lib.Tensor):
        if v._static_value is None:
            raise NotImplementedError(f"{what} must be known when the graph is built (a Python "
                                      f"int or a constant), got the tensor '{v.name}'.")
        v = v._static_value
    return int(v)


# ----- resize --------------------------------------------------------------------------------
def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _source(out_size, scale, half_pixel, shift=0.5):
    x = np.arange(out_size, dtype=np.float32)
    if half_pixel:
        return (x + np.float32(0.5)) * scale - np.float32(shift)
    return x * scale


def _bilinear_table(in_size, out_size, align_corners, half_pixel):
    src = _source(out_size, _scale(in_size, out_size, align_corners), half_pixel)
    floor = np.floor(src)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(src).astype(np.int64), in_size - 1)
    return np.minimum(lower, upper), upper, (src - floor).astype(np.float32)


def _nearest_table(in_size, out_size, align_corners, half_pixel):
    src = _source(out_size, _scale(in_size, out_size, align_corners), half_pixel,
                  shift=0.0)
    if align_corners:  # C's roundf: halves away from zero (the coordinates are >= 0 here)
        idx = np.where(src - np.floor(src) >= 0.5, np.ceil(src), np.floor(src))
    else:
        idx = np.floor(src)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0) if half_pixel else idx


def _cubic_coeffs(a):
    """TF1's table of Keys' cubic weights at 1/1024 steps (`GetCoeffsTable`)."""
    x = (np.arange(1025, dtype=np.float64) / 1024).astype(np.float32)
    a = np.float32(a)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + np.float32(1)
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return near.astype(np.float32), far.astype(np.float32)


def _bicubic_table(in_size, out_size, align_corners, half_pixel):
    """(indices [out, 4], weights [out, 4]) as TF1's `GetWeightsAndIndices`: half-pixel centers
    use Keys' a = -0.5 with taps outside the image weighted 0 and the rest renormalized; the
    legacy kernel a = -0.75 with the edge pixel repeated."""
    src = _source(out_size, _scale(in_size, out_size, align_corners), half_pixel)
    loc = np.floor(src).astype(np.int64)
    offset = np.rint((src - loc) * np.float32(1024)).astype(np.int64)
    near, far = _cubic_coeffs(-0.5 if half_pixel else -0.75)
    weights = np.stack([far[offset], near[offset], near[1024 - offset], far[1024 - offset]], 1)
    taps = loc[:, None] + np.arange(-1, 3)[None, :]
    idx = np.clip(taps, 0, in_size - 1)
    if half_pixel:
        weights = np.where(idx == taps, weights, np.float32(0))
        total = weights.sum(1, dtype=np.float32, keepdims=True)
        weights = np.where(np.abs(total) >= 1000 * np.finfo(np.float32).tiny,
                           weights / total, weights)
    return idx, weights.astype(np.float32)


def _area_matrix(in_size, out_size, align_corners):
    """The weights [out, in] of TF1's ResizeArea along one axis (each output cell averages the
    input cells it covers, partly covered ones by the covered fraction)."""
    scale = _scale(in_size, out_size, align_corners)
    m = np.zeros((out_size, in_size), np.float32)
    for o in range(out_size):
        lo, hi = np.float32(o) * scale, np.float32(o + 1) * scale
        for i in range(int(np.floor(lo)), int(np.ceil(hi))):
            if i < lo:
                w = scale if i + 1 > hi else np.float32(i + 1) - lo
            else:
                w = hi - np.float32(i) if i + 1 > hi else np.float32(1)
            m[o, min(i, in_size - 1)] += w
    return m, scale


def _resize_kernel(images, *size, method, static_size, align_corners, half_pixel):
    out_h, out_w = static_size if static_size is not None else concrete_dims(size[0], "resize")
    _, in_h, in_w, _ = np.shape(images)
    if method == "nearest":
        ys = _nearest_table(in_h, out_h, align_corners, half_pixel)
        xs = _nearest_table(in_w, out_w, align_corners, half_pixel)
        return jnp.take(jnp.take(images, ys, axis=1), xs, axis=2)
    x = jnp.asarray(images).astype(jnp.float32)
    if method == "bilinear":
        y0, y1, ly = _bilinear_table(in_h, out_h, align_corners, half_pixel)
        x0, x1, lx = _bilinear_table(in_w, out_w, align_corners, half_pixel)
        top, bottom = jnp.take(x, y0, axis=1), jnp.take(x, y1, axis=1)
        lx, ly = lx[None, None, :, None], ly[None, :, None, None]
        t = jnp.take(top, x0, axis=2) + (jnp.take(top, x1, axis=2) -
                                         jnp.take(top, x0, axis=2)) * lx
        b = jnp.take(bottom, x0, axis=2) + (jnp.take(bottom, x1, axis=2) -
                                            jnp.take(bottom, x0, axis=2)) * lx
        return t + (b - t) * ly
    if method == "bicubic":
        yi, yw = _bicubic_table(in_h, out_h, align_corners, half_pixel)
        xi, xw = _bicubic_table(in_w, out_w, align_corners, half_pixel)
        cols = None
        for k in range(4):  # x first, then y, as TF1's kernel
            term = jnp.take(x, xi[:, k], axis=2) * xw[None, None, :, k, None]
            cols = term if cols is None else cols + term
        out = None
        for k in range(4):
            term = jnp.take(cols, yi[:, k], axis=1) * yw[None, :, k, None, None]
            out = term if out is None else out + term
        return out
    my, sy = _area_matrix(in_h, out_h, align_corners)
    mx, sx = _area_matrix(in_w, out_w, align_corners)
    out = jnp.einsum("oh,bhwc->bowc", my, x, precision="highest")
    out = jnp.einsum("pw,bowc->bopc", mx, out, precision="highest")
    return out * np.float32(1.0 / (np.float64(sy) * np.float64(sx)))


_RESIZE_TYPES = {"bilinear": "ResizeBilinear", "nearest": "ResizeNearestNeighbor",
                 "bicubic": "ResizeBicubic", "area": "ResizeArea"}


def _size_arg(size, what):
    static, dyn = array_ops._static_shape_arg(size, what)
    if static is not None and len(static) != 2:
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    return static, dyn


def _resize_op(images, size, method, align_corners, half_pixel_centers, name):
    """The 4-D resize op itself ("ResizeBilinear", ...)."""
    if align_corners and half_pixel_centers:
        raise errors.InvalidArgumentError(None, None, "If half_pixel_centers is True, "
                                          "align_corners must be False.")
    if method == "area" and half_pixel_centers:
        raise NotImplementedError("resize_area has no half_pixel_centers (TF1 neither).")
    static, dyn = _size_arg(size, _RESIZE_TYPES[method])
    if static is not None and min(static) <= 0:
        raise ValueError(f"{_RESIZE_TYPES[method]}: size must be positive, got {list(static)}")
    attrs = {"method": method, "static_size": static, "align_corners": bool(align_corners),
             "half_pixel": bool(half_pixel_centers)}
    dtype = images.dtype.base_dtype if method == "nearest" else dtypes.float32
    dims = images.shape.as_list()
    hw = list(static) if static is not None else \
        array_ops._dynamic_shape_spec(dyn).as_list() if dyn.op.type != "Shape" else [None, None]
    spec = [(dtype, TensorShape([dims[0]] + list(hw) + [dims[3]]))]
    inputs = [images] if dyn is None else [images, dyn]
    return op_output(_RESIZE_TYPES[method], _resize_kernel, inputs, name=name,
                     attrs=attrs, out_specs=spec)


def _batched(images, what, fn):
    """Runs `fn` on a 4-D `images` (a 3-D image gets a batch of one, as TF1 does)."""
    x = _image(images, what, name="images")
    if x.shape.ndims == 4:
        return fn(x)
    return array_ops.squeeze(fn(array_ops.expand_dims(x, 0)), axis=[0])


def _resize_fn(method, op_name):
    def resize(images, size, align_corners=False, half_pixel_centers=False, name=None):
        x = _image(images, op_name, ranks=(4,), name="images")
        return _resize_op(x, size, method, align_corners, half_pixel_centers,
                          name or _RESIZE_TYPES[method])
    resize.__name__ = op_name
    resize.__doc__ = (f"TF1's `tf.image.{op_name}(images, size, align_corners=False, "
                      "half_pixel_centers=False)`: the 4-D kernel itself, with TF1's sampling "
                      "grid (see the module docstring).")
    return resize


resize_bilinear = _resize_fn("bilinear", "resize_bilinear")
resize_nearest_neighbor = _resize_fn("nearest", "resize_nearest_neighbor")
resize_bicubic = _resize_fn("bicubic", "resize_bicubic")


def resize_area(images, size, align_corners=False, name=None):
    """TF1's `tf.image.resize_area`: each output pixel averages the input area it covers."""
    x = _image(images, "resize_area", ranks=(4,), name="images")
    return _resize_op(x, size, "area", align_corners, False, name or "ResizeArea")


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None, _skip_if_same=True):
    """TF1's `tf.image.resize_images` / `tf.image.resize`: `images` (3-D or 4-D) resized to
    `size` = [new_height, new_width] with `method` (ResizeMethod or 'bilinear', 'nearest',
    'bicubic', 'area'; legacy pixel grid, optionally `align_corners`). The result is float32
    except for nearest neighbour; when the size is statically the input's, the input is
    returned unchanged, as TF1 does. `preserve_aspect_ratio` needs known image sizes."""
    if method not in _METHODS:
        raise ValueError(f"Resize method is not implemented: {method}")
    method = _METHODS[method]
    with ops_lib.name_scope(name, "resize", [images, size]):
        x = _image(images, "resize_images", name="images")
        batched = x.shape.ndims == 4
        if not batched:
            x = array_ops.expand_dims(x, 0)
        _, h, w, _ = x.shape.as_list()
        static, dyn = _size_arg(size, "resize_images")
        if preserve_aspect_ratio:
            if static is None or h is None or w is None:
                raise NotImplementedError("resize_images(preserve_aspect_ratio=True) needs the "
                                          "image's height and width and `size` known when the "
                                          "graph is built.")
            f = min(np.float32(static[0]) / np.float32(h), np.float32(static[1]) / np.float32(w))
            static = (int(np.round(np.float32(f * np.float32(h)))),
                      int(np.round(np.float32(f * np.float32(w)))))
            size = list(static)
        if _skip_if_same and static is not None and (h, w) == tuple(static):
            return x if batched else array_ops.squeeze(x, axis=[0])
        out = _resize_op(x, size, method, align_corners, False, _RESIZE_TYPES[method])
        return out if batched else array_ops.squeeze(out, axis=[0])


# ----- crops, pads, flips, rotations ---------------------------------------------------------
def _check_dims(x, checks, what):
    """Static checks `[(ok(h, w), message)]` on the 4-D `x`'s height and width: raised as TF1's
    ValueError when known, else a run-time check (InvalidArgumentError) of the returned op."""
    _, h, w, _ = x.shape.as_list()
    dynamic = []
    for ok, message in checks:
        if h is not None and w is not None:
            if not ok(h, w):
                raise ValueError(message)
        else:
            dynamic.append((ok, message))
    return dynamic


def _crop_kernel(x, oh, ow, th, tw):
    return x[:, oh:oh + th, ow:ow + tw, :]


def _run_check(dynamic, what):
    if not dynamic:
        return {}
    messages = "; ".join(m for _, m in dynamic)

    def failed(x):
        h, w = np.shape(x)[1:3]
        return np.bool_(not all(ok(h, w) for ok, _ in dynamic))
    return {"kind": CHECKED, "check": RunCheck(failed, errors.InvalidArgumentError,
                                               f"{what}: {messages}")}


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """TF1's `tf.image.crop_to_bounding_box`: the [target_height, target_width] window at
    (offset_height, offset_width) of a 3-D or 4-D image ("Slice"). Offsets and targets must be
    known when the graph is built; bounds TF1 checks statically raise ValueError, those it can
    only check in the run fail the run with InvalidArgumentError."""
    with ops_lib.name_scope(None, "crop_to_bounding_box", [image]):
        oh = _static_int(offset_height, "crop_to_bounding_box: offset_height")
        ow = _static_int(offset_width, "crop_to_bounding_box: offset_width")
        th = _static_int(target_height, "crop_to_bounding_box: target_height")
        tw = _static_int(target_width, "crop_to_bounding_box: target_width")
        for ok, message in ((ow >= 0, "offset_width must be >= 0."),
                            (oh >= 0, "offset_height must be >= 0."),
                            (tw > 0, "target_width must be > 0."),
                            (th > 0, "target_height must be > 0.")):
            if not ok:
                raise ValueError(message)

        def crop(x):
            dynamic = _check_dims(x, [(lambda h, w: w >= tw + ow,
                                       "width must be >= target + offset."),
                                      (lambda h, w: h >= th + oh,
                                       "height must be >= target + offset.")],
                                  "crop_to_bounding_box")
            b, _, _, c = x.shape.as_list()
            return op_output("Slice", _crop_kernel, [x], name="Slice",
                             attrs={"oh": oh, "ow": ow, "th": th, "tw": tw},
                             out_specs=[(x.dtype.base_dtype, TensorShape([b, th, tw, c]))],
                             **_run_check(dynamic, "crop_to_bounding_box"))
        return _batched(image, "crop_to_bounding_box", crop)


def _pad_kernel(x, oh, ow, th, tw):
    h, w = np.shape(x)[1:3]
    return jnp.pad(x, [(0, 0), (oh, max(th - oh - h, 0)), (ow, max(tw - ow - w, 0)), (0, 0)])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """TF1's `tf.image.pad_to_bounding_box`: `image` placed at (offset_height, offset_width)
    of a zero image of [target_height, target_width] ("Pad")."""
    with ops_lib.name_scope(None, "pad_to_bounding_box", [image]):
        oh = _static_int(offset_height, "pad_to_bounding_box: offset_height")
        ow = _static_int(offset_width, "pad_to_bounding_box: offset_width")
        th = _static_int(target_height, "pad_to_bounding_box: target_height")
        tw = _static_int(target_width, "pad_to_bounding_box: target_width")
        for ok, message in ((oh >= 0, "offset_height must be >= 0"),
                            (ow >= 0, "offset_width must be >= 0")):
            if not ok:
                raise ValueError(message)

        def pad(x):
            dynamic = _check_dims(x, [(lambda h, w: th - oh - h >= 0,
                                       "height must be <= target - offset"),
                                      (lambda h, w: tw - ow - w >= 0,
                                       "width must be <= target - offset")],
                                  "pad_to_bounding_box")
            b, _, _, c = x.shape.as_list()
            return op_output("Pad", _pad_kernel, [x], name="Pad",
                             attrs={"oh": oh, "ow": ow, "th": th, "tw": tw},
                             out_specs=[(x.dtype.base_dtype, TensorShape([b, th, tw, c]))],
                             **_run_check(dynamic, "pad_to_bounding_box"))
        return _batched(image, "pad_to_bounding_box", pad)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """TF1's `tf.image.resize_image_with_crop_or_pad` (`resize_with_crop_or_pad`): centrally
    crops and/or zero-pads `image` to [target_height, target_width]. The image's height and
    width must be known when the graph is built."""
    with ops_lib.name_scope(None, "resize_image_with_crop_or_pad", [image]):
        th = _static_int(target_height, "resize_image_with_crop_or_pad: target_height")
        tw = _static_int(target_width, "resize_image_with_crop_or_pad: target_width")
        if tw <= 0:
            raise ValueError("target_width must be > 0.")
        if th <= 0:
            raise ValueError("target_height must be > 0.")

        def crop_or_pad(x):
            _, h, w, _ = x.shape.as_list()
            if h is None or w is None:
                raise NotImplementedError("resize_image_with_crop_or_pad needs the image's "
                                          f"height and width known when the graph is built, "
                                          f"got {x.shape}.")
            cropped = crop_to_bounding_box(x, max((h - th) // 2, 0), max((w - tw) // 2, 0),
                                           min(th, h), min(tw, w))
            return pad_to_bounding_box(cropped, max((th - h) // 2, 0), max((tw - w) // 2, 0),
                                       th, tw)
        return _batched(image, "resize_image_with_crop_or_pad", crop_or_pad)


def central_crop(image, central_fraction):
    """TF1's `tf.image.central_crop`: the central `central_fraction` (in (0, 1], known when the
    graph is built) of a 3-D or 4-D image with known height and width ("Slice")."""
    with ops_lib.name_scope(None, "central_crop", [image]):
        x = _image(image, "central_crop")
        f = float(_static_value(central_fraction, "central_crop: central_fraction"))
        if f <= 0.0 or f > 1.0:
            raise ValueError("central_fraction must be within (0, 1]")
        if f == 1.0:
            return x
        dims = x.shape.as_list()
        h, w = dims[-3], dims[-2]
        if h is None or w is None:
            raise NotImplementedError("central_crop needs the image's height and width known "
                                      f"when the graph is built, got {x.shape}.")
        bh, bw = int((float(h) - float(h) * f) / 2), int((float(w) - float(w) * f) / 2)
        size = dims[:-3] + [h - 2 * bh, w - 2 * bw, dims[-1]]
        return op_output("Slice", _window_kernel, [x], name="Slice",
                         attrs={"bh": bh, "bw": bw, "th": h - 2 * bh, "tw": w - 2 * bw},
                         out_specs=[(x.dtype.base_dtype, TensorShape(size))])


def _window_kernel(x, bh, bw, th, tw):
    return x[..., bh:bh + th, bw:bw + tw, :]


def _static_value(v, what):
    if isinstance(v, ops_lib.Tensor):
        if v._static_value is None:
            raise NotImplementedError(f"{what} must be known when the graph is built, got the "
                                      f"tensor '{v.name}'.")
        return v._static_value
    return v


def _flip(image, axis, scope_name):
    with ops_lib.name_scope(None, scope_name, [image]) as scope:
        x = _image(image, scope_name)
        del scope
        return array_ops.reverse(x, [axis + x.shape.ndims - 3], name="ReverseV2")


def flip_left_right(image):
    """TF1's `tf.image.flip_left_right`: the width axis reversed ("ReverseV2")."""
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image):
    """TF1's `tf.image.flip_up_down`: the height axis reversed ("ReverseV2")."""
    return _flip(image, 0, "flip_up_down")


def _random_flip_kernel(u, x, axis):
    if np.ndim(x) == 3:
        return jnp.where(u < 0.5, jnp.flip(x, axis), x)
    flips = jnp.round(u).reshape((-1, 1, 1, 1)) > 0
    return jnp.where(flips, jnp.flip(x, axis + 1), x)


def _random_flip(image, axis, seed, scope_name):
    """TF1's rule: a 3-D image is flipped when a uniform draw is < 0.5; each image of a 4-D
    batch when its draw rounds to 1."""
    with ops_lib.name_scope(None, scope_name, [image]) as scope:
        x = _image(image, scope_name)
        shape = [] if x.shape.ndims == 3 else array_ops.shape(x)[:1]
        u = random_ops.random_uniform(shape, 0, 1.0, seed=seed)
        return op_output("Select", _random_flip_kernel, [u, x], name=scope,
                         attrs={"axis": axis}, out_specs=[(x.dtype.base_dtype, x.shape)])


def random_flip_left_right(image, seed=None):
    """TF1's `tf.image.random_flip_left_right` (see `_random_flip`)."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """TF1's `tf.image.random_flip_up_down` (see `_random_flip`)."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


def transpose_image(image, name=None):
    """TF1's `tf.image.transpose_image` (`tf.image.transpose`): height and width swapped."""
    with ops_lib.name_scope(name, "transpose", [image]):
        x = _image(image, "transpose_image")
        perm = [1, 0, 2] if x.shape.ndims == 3 else [0, 2, 1, 3]
        return array_ops.transpose(x, perm, name="transpose")


def _rot90_kernel(x, k):
    return jnp.rot90(x, k, axes=(np.ndim(x) - 3, np.ndim(x) - 2))


def rot90(image, k=1, name=None):
    """TF1's `tf.image.rot90`: `k` (known when the graph is built) quarter turns
    counter-clockwise. The static height and width are unknown, as TF1's (a `case`)."""
    with ops_lib.name_scope(name, "rot90", [image, k]) as scope:
        x = _image(image, "rot90")
        k = _static_int(k, "rot90: k") % 4
        dims = x.shape.as_list()
        out = dims[:-3] + [None, None, dims[-1]]
        return op_output("Rot90", _rot90_kernel, [x], name=scope, attrs={"k": k},
                         out_specs=[(x.dtype.base_dtype, TensorShape(out))])


# ----- dtypes and colour -----------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """TF1's `tf.image.convert_image_dtype`: floats are in [0, 1], integers in [0, MAX]; between
    integer types values are scaled by a power of two, float -> int multiplies by MAX + 0.5 and
    casts (clamping first with `saturate`), int -> float divides by MAX."""
    x = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype).base_dtype
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    src = x.dtype.base_dtype
    if not src.is_floating and not src.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dtype == src:
        return array_ops.identity(x, name=name)
    with ops_lib.name_scope(name, "convert_image", [x]) as scope:
        cast = math_ops.saturate_cast if saturate else math_ops.cast
        if src.is_integer and dtype.is_integer:
            scale_in, scale_out = src.max, dtype.max
            if scale_in > scale_out:
                scaled = math_ops.floordiv(x, (scale_in + 1) // (scale_out + 1))
                return cast(scaled, dtype, name=scope)
            return math_ops.multiply(cast(x, dtype), (scale_out + 1) // (scale_in + 1),
                                     name=scope)
        if src.is_floating and dtype.is_floating:
            return math_ops.cast(x, dtype, name=scope)
        if src.is_integer:
            return math_ops.multiply(math_ops.cast(x, dtype), 1. / src.max, name=scope)
        scaled = math_ops.multiply(x, dtype.max + 0.5)
        return cast(scaled, dtype, name=scope)


def _as_float(x):
    """TF1's `flt_image`: float16/float32 images as they are, others converted to float32."""
    if x.dtype.base_dtype in (dtypes.float16, dtypes.float32):
        return x
    return convert_image_dtype(x, dtypes.float32)


def rgb_to_grayscale(images, name=None):
    """TF1's `tf.image.rgb_to_grayscale`: 0.2989 R + 0.5870 G + 0.1140 B, in the input's dtype,
    with a last dimension of 1."""
    with ops_lib.name_scope(name, "rgb_to_grayscale", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        flt = convert_image_dtype(x, dtypes.float32)
        gray = math_ops.tensordot(flt, np.array([0.2989, 0.5870, 0.1140], np.float32), [-1, -1])
        gray = array_ops.expand_dims(gray, -1)
        return convert_image_dtype(gray, x.dtype.base_dtype, name=scope)


def grayscale_to_rgb(images, name=None):
    """TF1's `tf.image.grayscale_to_rgb`: the single channel repeated three times ("Tile")."""
    with ops_lib.name_scope(name, "grayscale_to_rgb", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims is not None:
            if x.shape.ndims < 2:
                raise ValueError("'image' must be at least two-dimensional.")
            if x.shape[-1].value is not None and x.shape[-1].value != 1:
                raise ValueError("Last dimension of a grayscale image should be size 1.")
        else:
            raise NotImplementedError("grayscale_to_rgb needs an image of known rank.")
        return array_ops.tile(x, [1] * (x.shape.ndims - 1) + [3], name=scope)


def _require_float_image(x, what):
    if not x.dtype.is_floating:
        raise TypeError(f"{what}: '{x.name}' must be float16, bfloat16, float32 or float64, "
                        f"got {x.dtype.name}.")


def _rgb_to_hsv_kernel(rgb):
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = jnp.maximum(jnp.maximum(r, g), b)
    minimum = jnp.minimum(jnp.minimum(r, g), b)
    rng = value - minimum
    sat = jnp.where(value > 0, rng / jnp.where(value > 0, value, 1), 0)
    norm = 1.0 / (6.0 * jnp.where(rng > 0, rng, 1))
    hue = jnp.where(r == value, norm * (g - b),
                    jnp.where(g == value, norm * (b - r) + 2.0 / 6.0,
                              norm * (r - g) + 4.0 / 6.0))
    hue = jnp.where(rng > 0, hue, 0)
    hue = jnp.where(hue < 0, hue + 1, hue)
    return jnp.stack([hue, sat, value], -1).astype(rgb.dtype)


def _hsv_to_rgb_kernel(hsv):
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    dh = h * 6
    dr = jnp.clip(jnp.abs(dh - 3) - 1, 0, 1)
    dg = jnp.clip(2 - jnp.abs(dh - 2), 0, 1)
    db = jnp.clip(2 - jnp.abs(dh - 4), 0, 1)
    one_minus_s = 1 - s
    return jnp.stack([(one_minus_s + s * dr) * v, (one_minus_s + s * dg) * v,
                      (one_minus_s + s * db) * v], -1).astype(hsv.dtype)


def _colour_op(op_type, kernel, images, name, what):
    x = convert_to_tensor(images, name="images")
    _require_float_image(x, what)
    if x.shape.ndims is not None and x.shape[-1].value not in (None, 3):
        raise ValueError(f"{what}: the last dimension of '{x.name}' must be 3 (RGB/HSV), got "
                         f"{x.shape}.")
    return op_output(op_type, kernel, [x], name=name or op_type)


def rgb_to_hsv(images, name=None):
    """TF1's `tf.image.rgb_to_hsv` ("RGBToHSV"): floats in [0, 1], hue in [0, 1)."""
    return _colour_op("RGBToHSV", _rgb_to_hsv_kernel, images, name, "rgb_to_hsv")


def hsv_to_rgb(images, name=None):
    """TF1's `tf.image.hsv_to_rgb` ("HSVToRGB")."""
    return _colour_op("HSVToRGB", _hsv_to_rgb_kernel, images, name, "hsv_to_rgb")


def adjust_brightness(image, delta):
    """TF1's `tf.image.adjust_brightness`: `delta` added in float, converted back (saturated)."""
    with ops_lib.name_scope(None, "adjust_brightness", [image, delta]) as scope:
        x = convert_to_tensor(image, name="image")
        flt = _as_float(x)
        adjusted = math_ops.add(flt, math_ops.cast(delta, flt.dtype), name=scope)
        return convert_image_dtype(adjusted, x.dtype.base_dtype, saturate=True)


def _contrast_kernel(images, factor):
    mean = jnp.mean(images, axis=(-3, -2), keepdims=True)
    return ((images - mean) * factor + mean).astype(images.dtype)


def adjust_contrast(images, contrast_factor):
    """TF1's `tf.image.adjust_contrast` ("AdjustContrastv2"): each channel's values moved
    `contrast_factor` times their distance from the channel's mean over the image."""
    with ops_lib.name_scope(None, "adjust_contrast", [images, contrast_factor]) as scope:
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims is not None and x.shape.ndims < 3:
            raise ValueError(f"adjust_contrast: images must be at least 3-D, got {x.shape}.")
        flt = _as_float(x)
        factor = convert_to_tensor(contrast_factor, dtype=dtypes.float32,
                                   name="contrast_factor")
        adjusted = op_output("AdjustContrastv2", _contrast_kernel, [flt, factor], name=scope)
        return convert_image_dtype(adjusted, x.dtype.base_dtype, saturate=True)


def _hue_kernel(images, delta):
    hsv = _rgb_to_hsv_kernel(images.astype(jnp.float32))
    hue = jnp.mod(hsv[..., 0] + delta, 1.0)
    return _hsv_to_rgb_kernel(jnp.stack([hue, hsv[..., 1], hsv[..., 2]], -1)).astype(
        images.dtype)


def _saturation_kernel(images, factor):
    hsv = _rgb_to_hsv_kernel(images.astype(jnp.float32))
    sat = jnp.clip(hsv[..., 1] * factor, 0.0, 1.0)
    return _hsv_to_rgb_kernel(jnp.stack([hsv[..., 0], sat, hsv[..., 2]], -1)).astype(
        images.dtype)


def _hsv_adjustment(op_type, kernel, image, amount, amount_name, name, scope_name):
    with ops_lib.name_scope(name, scope_name, [image]) as scope:
        x = convert_to_tensor(image, name="image")
        if x.shape.ndims is not None and x.shape[-1].value not in (None, 3):
            raise ValueError(f"{scope_name}: the last dimension of '{x.name}' must be 3 (RGB), "
                             f"got {x.shape}.")
        flt = _as_float(x)
        amount = convert_to_tensor(amount, dtype=dtypes.float32, name=amount_name)
        adjusted = op_output(op_type, kernel, [flt, amount], name=op_type)
        del scope
        return convert_image_dtype(adjusted, x.dtype.base_dtype)


def adjust_hue(image, delta, name=None):
    """TF1's `tf.image.adjust_hue` ("AdjustHue"): the hue rotated by `delta` (in [-1, 1])."""
    return _hsv_adjustment("AdjustHue", _hue_kernel, image, delta, "delta", name, "adjust_hue")


def adjust_saturation(image, saturation_factor, name=None):
    """TF1's `tf.image.adjust_saturation` ("AdjustSaturation"): the saturation multiplied by
    `saturation_factor`, clipped to [0, 1]."""
    return _hsv_adjustment("AdjustSaturation", _saturation_kernel, image, saturation_factor,
                           "saturation_factor", name, "adjust_saturation")


def adjust_gamma(image, gamma=1, gain=1):
    """TF1's `tf.image.adjust_gamma`: `gain * image ** gamma` in float, converted back
    (saturated). A negative static `gamma` raises ValueError, as TF1."""
    with ops_lib.name_scope(None, "adjust_gamma", [image, gamma, gain]):
        x = convert_to_tensor(image, name="image")
        flt = _as_float(x)
        g = gamma._static_value if isinstance(gamma, ops_lib.Tensor) else gamma
        if g is not None and np.any(np.asarray(g) < 0):
            raise ValueError("Gamma should be a non-negative real number.")
        if g is None:
            raise NotImplementedError("adjust_gamma: gamma must be known when the graph is "
                                      "built (TF1 checks it is non-negative in the run).")
        adjusted = gain * flt ** gamma
        return convert_image_dtype(adjusted, x.dtype.base_dtype, saturate=True)


def per_image_standardization(image):
    """TF1's `tf.image.per_image_standardization`: each image (the last three dimensions) minus
    its mean, divided by max(stddev, 1/sqrt(number of values)); float32 output."""
    with ops_lib.name_scope(None, "per_image_standardization", [image]) as scope:
        x = _image(image, "per_image_standardization", ranks=tuple(range(3, 33)))
        x = math_ops.cast(x, dtypes.float32)
        return op_output("RealDiv", _standardize_kernel, [x], name=scope)


def _standardize_kernel(x):
    axes = (-1, -2, -3)
    n = np.prod(np.shape(x)[-3:])
    mean = jnp.mean(x, axis=axes, keepdims=True)
    std = jnp.sqrt(jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True))
    return (x - mean) / jnp.maximum(std, jax.lax.rsqrt(jnp.float32(n)))


# ----- random adjustments ----------------------------------------------------------------------
def random_brightness(image, max_delta, seed=None):
    """TF1's `tf.image.random_brightness`: delta ~ U[-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """TF1's `tf.image.random_contrast`: factor ~ U[lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, factor)


def random_hue(image, max_delta, seed=None):
    """TF1's `tf.image.random_hue`: delta ~ U[-max_delta, max_delta), max_delta <= 0.5."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_hue(image, delta)


def random_saturation(image, lower, upper, seed=None):
    """TF1's `tf.image.random_saturation`: factor ~ U[lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust_saturation(image, factor)


# ----- measures --------------------------------------------------------------------------------
def _total_variation_kernel(x):
    if np.ndim(x) == 3:
        return jnp.sum(jnp.abs(x[1:] - x[:-1])) + jnp.sum(jnp.abs(x[:, 1:] - x[:, :-1]))
    return (jnp.sum(jnp.abs(x[:, 1:] - x[:, :-1]), axis=(1, 2, 3)) +
            jnp.sum(jnp.abs(x[:, :, 1:] - x[:, :, :-1]), axis=(1, 2, 3)))


def total_variation(images, name=None):
    """TF1's `tf.image.total_variation`: the sum of absolute differences of neighbouring
    pixels, per image of a 4-D batch (a scalar for a 3-D image)."""
    with ops_lib.name_scope(name, "total_variation"):
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims not in (3, 4):
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return op_output("AddV2", _total_variation_kernel, [x], name="add")


def _dy_kernel(x):
    return jnp.concatenate([x[:, 1:] - x[:, :-1], jnp.zeros_like(x[:, :1])], 1)


def _dx_kernel(x):
    return jnp.concatenate([x[:, :, 1:] - x[:, :, :-1], jnp.zeros_like(x[:, :, :1])], 2)


def image_gradients(image):
    """TF1's `tf.image.image_gradients`: (dy, dx), forward differences with a zero last
    row/column, of a 4-D image."""
    x = convert_to_tensor(image, name="image")
    if x.shape.ndims != 4:
        raise ValueError("image_gradients expects a 4D tensor [batch_size, h, w, d], not "
                         f"{x.shape}.")
    return (op_output("Reshape", _dy_kernel, [x], name="Reshape"),
            op_output("Reshape", _dx_kernel, [x], name="Reshape"))


def _sobel_kernel(x):
    ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
    kx = ky.T
    p = jnp.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    h, w = np.shape(x)[1:3]
    outs = []
    for k in (ky, kx):
        acc = None
        for i in range(3):
            for j in range(3):
                if k[i, j] == 0:
                    continue
                term = p[:, i:i + h, j:j + w, :] * np.asarray(k[i, j], x.dtype)
                acc = term if acc is None else acc + term
        outs.append(acc)
    return jnp.stack(outs, -1)


def sobel_edges(image):
    """TF1's `tf.image.sobel_edges`: [batch, h, w, d, 2] of the vertical (dy) and horizontal
    (dx) Sobel responses, with reflected borders."""
    x = convert_to_tensor(image, name="image")
    if x.shape.ndims != 4:
        raise ValueError(f"sobel_edges expects a 4-D image, got {x.shape}.")
    return op_output("Reshape", _sobel_kernel, [x], name="Reshape")


def psnr(a, b, max_val, name=None):
    """TF1's `tf.image.psnr`: 20 log10(max_val) - 10 log10(MSE) over the last three
    dimensions, computed in float32 (integer images are converted)."""
    with ops_lib.name_scope(name, "PSNR", [a, b]):
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        _compatible(a, b, "psnr")
        mv = convert_image_dtype(math_ops.cast(max_val, a.dtype), dtypes.float32)
        a = convert_image_dtype(a, dtypes.float32)
        b = convert_image_dtype(b, dtypes.float32)
        mse = math_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
        value = math_ops.subtract(20 * math_ops.log(mv) / math_ops.log(10.0),
                                  np.float32(10 / np.log(10)) * math_ops.log(mse), name="psnr")
        return array_ops.identity(value)


def _compatible(a, b, what):
    sa, sb = a.shape, b.shape
    if sa.ndims is not None and sa.ndims < 3 or sb.ndims is not None and sb.ndims < 3:
        raise ValueError(f"{what}: images must be at least 3-D, got {sa} and {sb}.")
    if sa.ndims is not None and sb.ndims is not None:
        if not sa[-3:].is_compatible_with(sb[-3:]):
            raise ValueError(f"{what}: the images' last three dimensions differ: {sa} and "
                             f"{sb}.")


def _fspecial_gauss(size, sigma):
    coords = np.arange(size, dtype=np.float32) - np.float32((size - 1) / 2.0)
    g = np.square(coords)
    g = g * np.float32(-0.5 / np.square(sigma))
    g = g.reshape(1, -1) + g.reshape(-1, 1)
    g = np.exp(g - g.max())
    return (g / g.sum()).astype(np.float32)


def _ssim_kernel(x, y, max_val, filter_size, filter_sigma, k1, k2):
    kernel = _fspecial_gauss(filter_size, filter_sigma)
    c = np.shape(x)[-1]
    lead = np.shape(x)[:-3]
    x4 = jnp.reshape(x, (-1,) + np.shape(x)[-3:])
    y4 = jnp.reshape(y, (-1,) + np.shape(y)[-3:])
    w = jnp.asarray(np.tile(kernel[:, :, None, None], (1, 1, 1, c)))

    def blur(v):
        return jax.lax.conv_general_dilated(v, w, (1, 1), "VALID",
                                            dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                            feature_group_count=c,
                                            precision=jax.lax.Precision.HIGHEST)
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = blur(x4), blur(y4)
    num0 = mean0 * mean1 * 2.0
    den0 = jnp.square(mean0) + jnp.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = blur(x4 * y4) * 2.0
    den1 = blur(jnp.square(x4) + jnp.square(y4))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    value = jnp.mean(luminance * cs, axis=(-3, -2, -1))
    return jnp.reshape(value, lead)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """TF1's `tf.image.ssim`: the mean structural similarity of the images (last three
    dimensions) with an 11x11 Gaussian window, one value per image; float32 (integer images
    are converted). The images must be at least `filter_size` high and wide."""
    with ops_lib.name_scope(None, "SSIM", [img1, img2]):
        a = convert_to_tensor(img1, name="img1")
        b = convert_to_tensor(img2, name="img2")
        _compatible(a, b, "ssim")
        mv = float(_static_value(max_val, "ssim: max_val"))
        mv = float(np.asarray(mv, a.dtype.as_numpy_dtype).astype(np.float32)) \
            if a.dtype.is_floating else mv / a.dtype.max
        a = convert_image_dtype(a, dtypes.float32)
        b = convert_image_dtype(b, dtypes.float32)
        for t in (a, b):
            dims = t.shape.as_list()
            if any(d is not None and d < filter_size for d in dims[-3:-1]):
                raise ValueError(f"ssim: the images ({t.shape}) must be at least "
                                 f"{filter_size}x{filter_size} (filter_size).")
        return op_output("Mean", _ssim_kernel, [a, b], name="Mean",
                         attrs={"max_val": np.float32(mv), "filter_size": int(filter_size),
                                "filter_sigma": float(filter_sigma), "k1": float(k1),
                                "k2": float(k2)})


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """TF1's `tf.image.extract_patches`: `tf.extract_image_patches` with `sizes`."""
    from tfvars_jax.ops.manip_ops import extract_image_patches
    return extract_image_patches(images, sizes=sizes, strides=strides, rates=rates,
                                 padding=padding, name=name)



# ----- boxes -----------------------------------------------------------------------------------
def _iou_matrix(boxes):
    """TF1's IOU of every pair (corners in any order; a box of non-positive area overlaps
    nothing)."""
    ymin = jnp.minimum(boxes[:, 0], boxes[:, 2])
    xmin = jnp.minimum(boxes[:, 1], boxes[:, 3])
    ymax = jnp.maximum(boxes[:, 0], boxes[:, 2])
    xmax = jnp.maximum(boxes[:, 1], boxes[:, 3])
    area = (ymax - ymin) * (xmax - xmin)
    iy = jnp.maximum(jnp.minimum(ymax[:, None], ymax[None]) - jnp.maximum(ymin[:, None],
                                                                        ymin[None]), 0)
    ix = jnp.maximum(jnp.minimum(xmax[:, None], xmax[None]) - jnp.maximum(xmin[:, None],
                                                                        xmin[None]), 0)
    inter = iy * ix
    iou = inter / (area[:, None] + area[None] - inter)
    return jnp.where((area[:, None] <= 0) | (area[None] <= 0), 0.0, iou)


def _nms_keep(boxes, scores, max_out, iou_threshold, score_threshold):
    """(order, keep): boxes by decreasing score (ties: lower index first, as TF1's queue) and
    whether each is selected by TF1's greedy hard NMS."""
    n = scores.shape[0]
    order = jnp.argsort(-scores, stable=True)
    iou = _iou_matrix(boxes[order].astype(jnp.float32))
    candidate = scores[order] > score_threshold

    def body(i, keep):
        suppressed = jnp.any(keep & (iou[i] > iou_threshold))
        take = candidate[i] & ~suppressed & (jnp.sum(keep) < max_out)
        return keep.at[i].set(take)
    keep = jax.lax.fori_loop(0, n, body, jnp.zeros((n,), bool)) if n else jnp.zeros((0,), bool)
    return order, keep


def _nms_kernel(boxes, scores, max_out, iou_threshold, score_threshold, sizes):
    order, keep = _nms_keep(boxes, scores, max_out, iou_threshold, score_threshold)
    pos = jnp.nonzero(keep, size=sizes[0], fill_value=0)[0]
    return order[pos].astype(jnp.int32) if scores.shape[0] else jnp.zeros(sizes, jnp.int32)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """TF1's `tf.image.non_max_suppression` ("NonMaxSuppressionV3"): the indices (int32) of
    at most `max_output_size` boxes chosen greedily by decreasing score, dropping boxes whose
    IOU with a chosen one exceeds `iou_threshold` and scores not above `score_threshold`. The
    number chosen is known only in the run (see `data_dependent_ops`). Not differentiable."""
    with ops_lib.name_scope(name, "non_max_suppression"):
        b = convert_to_tensor(boxes, name="boxes")
        s = convert_to_tensor(scores, name="scores")
        m = convert_to_tensor(max_output_size, dtype=dtypes.int32, name="max_output_size")
        iou = convert_to_tensor(iou_threshold, dtype=dtypes.float32, name="iou_threshold")
        st = convert_to_tensor(score_threshold, dtype=dtypes.float32, name="score_threshold")
        if b.shape.ndims not in (None, 2) or (b.shape.ndims == 2 and
                                              b.shape[1].value not in (None, 4)):
            raise ValueError(f"non_max_suppression: boxes must be [num_boxes, 4], got {b.shape}.")
        if s.shape.ndims not in (None, 1):
            raise ValueError(f"non_max_suppression: scores must be a vector, got {s.shape}.")
        static_iou = iou._static_value
        if static_iou is not None and not 0 <= float(static_iou) <= 1:
            raise errors.InvalidArgumentError(None, None, "iou_threshold must be in [0, 1]")

        def count(bx, sc, mx, it, th):
            return jnp.sum(_nms_keep(bx, sc, mx, it, th)[1]) if np.shape(sc)[0] else \
                jnp.int32(0)

        def guess(bx, sc, mx, it, th):
            return (int(np.shape(sc)[0]),)
        return data_dependent_ops._make(
            "NonMaxSuppressionV3", _nms_kernel, [b, s, m, iou, st], "NonMaxSuppressionV3",
            [(dtypes.int32, TensorShape([None]))], count, guess,
            check=(lambda bx, sc, mx, it, th: (it < 0) | (it > 1) | (mx < 0),
                   errors.InvalidArgumentError,
                   "non_max_suppression: iou_threshold must be in [0, 1] and max_output_size "
                   "non-negative")).outputs[0]


def _crop_and_resize_kernel(image, boxes, box_ind, crop_size, method, extrapolation_value):
    ch, cw = crop_size
    _, h, w, _ = np.shape(image)
    boxes = boxes.astype(jnp.float32)
    y1, x1, y2, x2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]

    def grid(lo, hi, size, out):
        steps = jnp.arange(out, dtype=jnp.float32)
        if out > 1:
            scale = (hi - lo) * np.float32(size - 1) / np.float32(out - 1)
            return lo[:, None] * np.float32(size - 1) + steps[None] * scale[:, None]
        return jnp.broadcast_to((np.float32(0.5) * (lo + hi) * np.float32(size - 1))[:, None],
                                (lo.shape[0], out))
    in_y, in_x = grid(y1, y2, h, ch), grid(x1, x2, w, cw)
    valid = ((in_y >= 0) & (in_y <= h - 1))[:, :, None] & ((in_x >= 0) & (in_x <= w - 1))[:, None]
    b = jnp.clip(box_ind, 0, np.shape(image)[0] - 1)[:, None, None]
    img = jnp.asarray(image).astype(jnp.float32)
    if method == "nearest":
        yi = jnp.clip(jnp.where(in_y - jnp.floor(in_y) >= 0.5, jnp.ceil(in_y), jnp.floor(in_y)),
                      0, h - 1).astype(jnp.int32)
        xi = jnp.clip(jnp.where(in_x - jnp.floor(in_x) >= 0.5, jnp.ceil(in_x), jnp.floor(in_x)),
                      0, w - 1).astype(jnp.int32)
        out = img[b, yi[:, :, None], xi[:, None, :]]
    else:
        top, bottom = jnp.floor(in_y), jnp.ceil(in_y)
        left, right = jnp.floor(in_x), jnp.ceil(in_x)
        ly = (in_y - top)[:, :, None, None]
        lx = (in_x - left)[:, None, :, None]

        def at(yy, xx):
            yy = jnp.clip(yy, 0, h - 1).astype(jnp.int32)[:, :, None]
            xx = jnp.clip(xx, 0, w - 1).astype(jnp.int32)[:, None, :]
            return img[b, yy, xx]
        t = at(top, left) + (at(top, right) - at(top, left)) * lx
        btm = at(bottom, left) + (at(bottom, right) - at(bottom, left)) * lx
        out = t + (btm - t) * ly
    return jnp.where(valid[..., None], out, np.float32(extrapolation_value))


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0, name=None, box_indices=None):
    """TF1's `tf.image.crop_and_resize` ("CropAndResize"): for each normalized box [y1, x1, y2,
    x2] of image `box_ind[i]`, a `crop_size` crop sampled bilinearly (or at the nearest
    pixel), `extrapolation_value` outside the image; float32 [num_boxes, h, w, depth].
    Differentiable in `image` and `boxes`. A box index outside the batch fails the run with
    OutOfRangeError, as TF1's CPU kernel."""
    if box_ind is None:
        box_ind = box_indices
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method!r}")
    with ops_lib.name_scope(name, "CropAndResize") as scope:
        x = _image(image, "crop_and_resize", ranks=(4,))
        b = convert_to_tensor(boxes, name="boxes")
        ind = convert_to_tensor(box_ind, dtype=dtypes.int32, name="box_ind")
        size = array_ops._static_shape_arg(crop_size, "crop_and_resize crop_size")[0]
        if size is None or len(size) != 2 or min(size) <= 0:
            raise ValueError(f"crop_and_resize: crop_size must be 2 positive ints known when "
                             f"the graph is built, got {crop_size}.")
        n = b.shape[0].value if b.shape.ndims == 2 else None
        message = "box_index has values outside [0, batch_size) (crop_and_resize)"
        return op_output("CropAndResize", _crop_and_resize_kernel, [x, b, ind], name=scope,
                         attrs={"crop_size": tuple(size), "method": method,
                                "extrapolation_value": float(extrapolation_value)},
                         out_specs=[(dtypes.float32, TensorShape([n] + list(size) +
                                                                 [x.shape[3].value]))],
                         kind=CHECKED,
                         check=RunCheck(lambda im, bx, bi, **_: jnp.any(
                             (bi < 0) | (bi >= np.shape(im)[0])), errors.OutOfRangeError,
                             message))


def resize_image_with_pad(image, target_height, target_width,
                          method=ResizeMethod.BILINEAR, align_corners=False):
    """TF1's `tf.image.resize_image_with_pad`: resized (keeping the aspect ratio, with
    `resize_images`) to fit [target_height, target_width], then zero-padded to it centrally.
    The image's height and width and the targets must be known when the graph is built."""
    with ops_lib.name_scope(None, "resize_image_with_pad", [image]):
        th = _static_int(target_height, "resize_image_with_pad: target_height")
        tw = _static_int(target_width, "resize_image_with_pad: target_width")
        if tw <= 0:
            raise ValueError("target_width must be > 0.")
        if th <= 0:
            raise ValueError("target_height must be > 0.")

        def resize_and_pad(x):
            _, h, w, _ = x.shape.as_list()
            if h is None or w is None:
                raise NotImplementedError("resize_image_with_pad needs the image's height and "
                                          f"width known when the graph is built, got {x.shape}.")
            f32 = np.float32
            ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
            rh, rw = f32(h) / ratio, f32(w) / ratio
            ph = max(0, int(np.floor((f32(th) - rh) / f32(2))))
            pw = max(0, int(np.floor((f32(tw) - rw) / f32(2))))
            # TF1 computes the new size with ops, so it never skips the resize (float32 out)
            resized = resize_images(x, [int(np.floor(rh)), int(np.floor(rw))], method,
                                    align_corners, _skip_if_same=False)
            return pad_to_bounding_box(resized, ph, pw, th, tw)
        return _batched(image, "resize_image_with_pad", resize_and_pad)


# TF1's colour-space matrices (image_ops_impl.py), applied to the last dimension.
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _colour_matrix(matrix, what):
    def convert(images):
        x = convert_to_tensor(images, name="images")
        _require_float_image(x, what)
        kernel = convert_to_tensor(np.asarray(matrix, x.dtype.as_numpy_dtype), name="kernel")
        return math_ops.tensordot(x, kernel, [[x.shape.ndims - 1], [0]])
    convert.__name__ = what
    convert.__doc__ = f"TF1's `tf.image.{what}`: a 3x3 colour matrix on the last dimension."
    return convert


rgb_to_yiq = _colour_matrix(_RGB_TO_YIQ, "rgb_to_yiq")
yiq_to_rgb = _colour_matrix(_YIQ_TO_RGB, "yiq_to_rgb")
rgb_to_yuv = _colour_matrix(_RGB_TO_YUV, "rgb_to_yuv")
yuv_to_rgb = _colour_matrix(_YUV_TO_RGB, "yuv_to_rgb")
