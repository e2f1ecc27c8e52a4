"""`tf.contrib.training`: only the ps load-balancing strategy for
`tf.train.replica_device_setter` (`GreedyLoadBalancingStrategy`, `byte_size_load_fn`,
defined in `tfvars_jax/train/device_setter.py`). contrib's input pipelines, HParams and
training loops are not shipped."""
from tfvars_jax import _namespace
from tfvars_jax.train.device_setter import GreedyLoadBalancingStrategy
from tfvars_jax.train.device_setter import byte_size_load_fn

__all__ = ["GreedyLoadBalancingStrategy", "byte_size_load_fn"]

__getattr__ = _namespace.unsupported_getattr(__name__)
