"""The op library. Importing it installs Tensor's operators (`tensor_operators`)."""
from tfvars_jax.ops import tensor_operators  # noqa: F401 - installs Tensor's operators
