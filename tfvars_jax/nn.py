"""`tf.nn`: activations, convolution and pooling, cross-entropies, moments, normalization, dropout."""
from tfvars_jax import _namespace
from tfvars_jax.ops.nn_ops import relu
from tfvars_jax.ops.nn_ops import relu6
from tfvars_jax.ops.nn_ops import elu
from tfvars_jax.ops.nn_ops import selu
from tfvars_jax.ops.nn_ops import softsign
from tfvars_jax.ops.nn_ops import softplus
from tfvars_jax.ops.nn_ops import sigmoid
from tfvars_jax.ops.nn_ops import tanh
from tfvars_jax.ops.nn_ops import leaky_relu
from tfvars_jax.ops.nn_ops import softmax
from tfvars_jax.ops.nn_ops import log_softmax
from tfvars_jax.ops.nn_ops import bias_add
from tfvars_jax.ops.nn_ops import conv2d
from tfvars_jax.ops.nn_ops import conv1d
from tfvars_jax.ops.nn_ops import conv3d
from tfvars_jax.ops.nn_ops import conv2d_transpose
from tfvars_jax.ops.nn_ops import depthwise_conv2d
from tfvars_jax.ops.nn_ops import separable_conv2d
from tfvars_jax.ops.nn_ops import max_pool3d
from tfvars_jax.ops.nn_ops import avg_pool3d
from tfvars_jax.ops.nn_ops import batch_normalization
from tfvars_jax.ops.nn_ops import fused_batch_norm
from tfvars_jax.ops.nn_ops import l2_normalize
from tfvars_jax.ops.nn_ops import max_pool
from tfvars_jax.ops.nn_ops import avg_pool
from tfvars_jax.ops.nn_ops import l2_loss
from tfvars_jax.ops.nn_ops import moments
from tfvars_jax.ops.nn_stats_ops import sufficient_statistics
from tfvars_jax.ops.nn_stats_ops import normalize_moments
from tfvars_jax.ops.nn_stats_ops import weighted_moments
from tfvars_jax.ops.nn_stats_ops import lrn
from tfvars_jax.ops.nn_stats_ops import local_response_normalization
from tfvars_jax.ops.nn_ops import sparse_softmax_cross_entropy_with_logits
from tfvars_jax.ops.nn_ops import dropout
from tfvars_jax.ops.nn_ops import softmax_cross_entropy_with_logits
from tfvars_jax.ops.nn_ops import softmax_cross_entropy_with_logits_v2
from tfvars_jax.ops.nn_ops import sigmoid_cross_entropy_with_logits
from tfvars_jax.ops.embedding_ops import embedding_lookup
from tfvars_jax.ops.embedding_ops import embedding_lookup_sparse
from tfvars_jax.ops.embedding_ops import safe_embedding_lookup_sparse
from tfvars_jax.ops.candidate_sampling_ops import log_uniform_candidate_sampler
from tfvars_jax.ops.candidate_sampling_ops import uniform_candidate_sampler
from tfvars_jax.ops.candidate_sampling_ops import fixed_unigram_candidate_sampler
from tfvars_jax.ops.sampled_loss_ops import nce_loss
from tfvars_jax.ops.sampled_loss_ops import sampled_softmax_loss
from tfvars_jax import nn_rnn_cell as rnn_cell
from tfvars_jax.layers.rnn import static_rnn
from tfvars_jax.layers.rnn import static_bidirectional_rnn
from tfvars_jax.layers.dynamic_rnn import dynamic_rnn
from tfvars_jax.layers.dynamic_rnn import bidirectional_dynamic_rnn

from tfvars_jax.ops.sort_ops import top_k
from tfvars_jax.ops.sort_ops import in_top_k
from tfvars_jax.ops.manip_ops import space_to_depth
from tfvars_jax.ops.manip_ops import depth_to_space
from tfvars_jax.ops.nn_ops import xw_plus_b
from tfvars_jax.ops.nn_ops import relu_layer
from tfvars_jax.ops.nn_ops import crelu
from tfvars_jax.ops.nn_ops import swish
from tfvars_jax.ops.nn_ops import silu
from tfvars_jax.ops.nn_ops import zero_fraction
from tfvars_jax.ops.nn_ops import log_poisson_loss
from tfvars_jax.ops.nn_ops import weighted_cross_entropy_with_logits
from tfvars_jax.ops.conv_ops import conv2d_backprop_input
from tfvars_jax.ops.conv_ops import conv2d_backprop_filter
from tfvars_jax.ops.conv_ops import depthwise_conv2d_native
from tfvars_jax.ops.conv_ops import conv3d_transpose
from tfvars_jax.ops.conv_ops import atrous_conv2d
from tfvars_jax.ops.conv_ops import convolution
from tfvars_jax.ops.conv_ops import max_pool_with_argmax
from tfvars_jax.ops.conv_ops import max_pool_v2
from tfvars_jax.ops.conv_ops import avg_pool_v2
from tfvars_jax.ops.conv_ops import max_pool2d
from tfvars_jax.ops.conv_ops import avg_pool2d
from tfvars_jax.ops.conv_ops import max_pool1d
from tfvars_jax.ops.conv_ops import conv3d_backprop_filter
from tfvars_jax.ops.conv_ops import conv3d_backprop_filter_v2
from tfvars_jax.ops.conv_ops import conv_transpose
from tfvars_jax.ops.conv_ops import atrous_conv2d_transpose
from tfvars_jax.ops.conv_ops import dilation2d
from tfvars_jax.ops.conv_ops import erosion2d
from tfvars_jax.ops.conv_ops import with_space_to_batch
from tfvars_jax.ops.candidate_sampling_ops import all_candidate_sampler
from tfvars_jax.ops.sort_ops import approx_max_k
from tfvars_jax.ops.ctc_ops import ctc_loss_v2
from tfvars_jax.ops.sort_ops import approx_min_k
from tfvars_jax.ops.conv_ops import avg_pool1d
from tfvars_jax.ops.conv_ops import pool
from tfvars_jax.ops.conv_ops import depthwise_conv2d_native_backprop_input
from tfvars_jax.ops.conv_ops import depthwise_conv2d_native_backprop_filter
from tfvars_jax.ops.conv_ops import depthwise_conv2d_native_backprop_input as depthwise_conv2d_backprop_input
from tfvars_jax.ops.conv_ops import depthwise_conv2d_native_backprop_filter as depthwise_conv2d_backprop_filter
from tfvars_jax.ops.conv_ops import conv1d_transpose
from tfvars_jax.ops.conv_ops import batch_norm_with_global_normalization
from tfvars_jax.ops.conv_ops import compute_average_loss
from tfvars_jax.ops.conv_ops import scale_regularization_loss
from tfvars_jax.ops.manip_ops import space_to_batch
__all__ = [
    "conv3d_backprop_filter", "conv3d_backprop_filter_v2", "conv_transpose",
    "atrous_conv2d_transpose", "dilation2d", "erosion2d", "with_space_to_batch",
    "all_candidate_sampler",
    "approx_max_k", "approx_min_k", "ctc_loss_v2",
    "relu", "relu6", "elu", "selu", "softsign", "softplus", "sigmoid", "tanh", "leaky_relu",
    "softmax", "log_softmax", "bias_add", "conv2d", "max_pool", "avg_pool", "l2_loss", "moments",
    "conv1d", "conv3d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d", "max_pool3d",
    "avg_pool3d", "batch_normalization", "fused_batch_norm", "l2_normalize",
    "sparse_softmax_cross_entropy_with_logits", "dropout", "embedding_lookup_sparse",
    "safe_embedding_lookup_sparse", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "sigmoid_cross_entropy_with_logits",
    "embedding_lookup", "log_uniform_candidate_sampler", "uniform_candidate_sampler",
    "fixed_unigram_candidate_sampler", "nce_loss", "sampled_softmax_loss",
    "rnn_cell", "static_rnn", "static_bidirectional_rnn", "dynamic_rnn",
    "bidirectional_dynamic_rnn", "sufficient_statistics",
    "normalize_moments", "weighted_moments", "lrn", "local_response_normalization",
    "top_k",
    "in_top_k",
    "space_to_depth",
    "depth_to_space",
    "xw_plus_b",
    "relu_layer",
    "crelu",
    "swish",
    "silu",
    "zero_fraction",
    "log_poisson_loss",
    "weighted_cross_entropy_with_logits",
    "conv2d_backprop_input",
    "conv2d_backprop_filter",
    "depthwise_conv2d_native",
    "conv3d_transpose",
    "atrous_conv2d",
    "convolution",
    "max_pool_with_argmax",
    "max_pool_v2",
    "avg_pool_v2",
    "max_pool2d",
    "avg_pool2d",
    "max_pool1d",
    "avg_pool1d",
    "pool",
    "depthwise_conv2d_native_backprop_input",
    "depthwise_conv2d_native_backprop_filter",
    "depthwise_conv2d_backprop_input",
    "depthwise_conv2d_backprop_filter",
    "conv1d_transpose",
    "batch_norm_with_global_normalization",
    "compute_average_loss",
    "scale_regularization_loss",
    "space_to_batch",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
