"""`tf.image`: resizing with TF1's sampling grids, crops, flips, dtype conversion, colour
adjustments and image measures (`ops/image_ops.py`). Decoding and encoding (`decode_jpeg`,
`encode_png`, ...) need string tensors, which only hold values here: not shipped."""
from tfvars_jax import _namespace
from tfvars_jax.ops.image_ops import ResizeMethod
from tfvars_jax.ops.image_ops import resize_images
from tfvars_jax.ops.image_ops import resize_bilinear
from tfvars_jax.ops.image_ops import resize_nearest_neighbor
from tfvars_jax.ops.image_ops import resize_bicubic
from tfvars_jax.ops.image_ops import resize_area
from tfvars_jax.ops.image_ops import crop_to_bounding_box
from tfvars_jax.ops.image_ops import pad_to_bounding_box
from tfvars_jax.ops.image_ops import resize_image_with_crop_or_pad
from tfvars_jax.ops.image_ops import central_crop
from tfvars_jax.ops.image_ops import flip_left_right
from tfvars_jax.ops.image_ops import flip_up_down
from tfvars_jax.ops.image_ops import random_flip_left_right
from tfvars_jax.ops.image_ops import random_flip_up_down
from tfvars_jax.ops.image_ops import transpose_image
from tfvars_jax.ops.image_ops import rot90
from tfvars_jax.ops.image_ops import convert_image_dtype
from tfvars_jax.ops.image_ops import rgb_to_grayscale
from tfvars_jax.ops.image_ops import grayscale_to_rgb
from tfvars_jax.ops.image_ops import rgb_to_hsv
from tfvars_jax.ops.image_ops import hsv_to_rgb
from tfvars_jax.ops.image_ops import adjust_brightness
from tfvars_jax.ops.image_ops import adjust_contrast
from tfvars_jax.ops.image_ops import adjust_hue
from tfvars_jax.ops.image_ops import adjust_saturation
from tfvars_jax.ops.image_ops import adjust_gamma
from tfvars_jax.ops.image_ops import per_image_standardization
from tfvars_jax.ops.image_ops import random_brightness
from tfvars_jax.ops.image_ops import random_contrast
from tfvars_jax.ops.image_ops import random_hue
from tfvars_jax.ops.image_ops import random_saturation
from tfvars_jax.ops.image_ops import total_variation
from tfvars_jax.ops.image_ops import image_gradients
from tfvars_jax.ops.image_ops import sobel_edges
from tfvars_jax.ops.image_ops import psnr
from tfvars_jax.ops.image_ops import ssim
from tfvars_jax.ops.image_ops import extract_patches
from tfvars_jax.ops.image_ops import non_max_suppression
from tfvars_jax.ops.image_ops import crop_and_resize
from tfvars_jax.ops.image_ops import resize_image_with_pad
from tfvars_jax.ops.image_ops import rgb_to_yiq
from tfvars_jax.ops.image_ops import yiq_to_rgb
from tfvars_jax.ops.image_ops import rgb_to_yuv
from tfvars_jax.ops.image_ops import yuv_to_rgb
from tfvars_jax.ops.image_ops import resize_images as resize
from tfvars_jax.ops.image_ops import resize_image_with_crop_or_pad as resize_with_crop_or_pad
from tfvars_jax.ops.image_ops import transpose_image as transpose
from tfvars_jax.ops.manip_ops import extract_image_patches
from tfvars_jax.ops.random_dist_ops import random_crop

__all__ = [
    "ResizeMethod", "resize_images", "resize_bilinear", "resize_nearest_neighbor",
    "resize_bicubic", "resize_area", "crop_to_bounding_box", "pad_to_bounding_box",
    "resize_image_with_crop_or_pad", "central_crop", "flip_left_right", "flip_up_down",
    "random_flip_left_right", "random_flip_up_down", "transpose_image", "rot90",
    "convert_image_dtype", "rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb",
    "adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "adjust_gamma",
    "per_image_standardization", "random_brightness", "random_contrast", "random_hue",
    "random_saturation", "total_variation", "image_gradients", "sobel_edges", "psnr", "ssim",
    "extract_patches", "resize", "resize_with_crop_or_pad", "transpose", "extract_image_patches",
    "random_crop", "non_max_suppression", "crop_and_resize", "resize_image_with_pad",
    "rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
