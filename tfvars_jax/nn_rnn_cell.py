"""`tf.nn.rnn_cell`: TF 1.15's RNN cells and cell wrappers (see `tfvars_jax.layers.rnn_cell`)."""
from tfvars_jax import _namespace
from tfvars_jax.layers.rnn_cell import BasicLSTMCell
from tfvars_jax.layers.rnn_cell import BasicRNNCell
from tfvars_jax.layers.rnn_cell import DeviceWrapper
from tfvars_jax.layers.rnn_cell import DropoutWrapper
from tfvars_jax.layers.rnn_cell import GRUCell
from tfvars_jax.layers.rnn_cell import LSTMCell
from tfvars_jax.layers.rnn_cell import LSTMStateTuple
from tfvars_jax.layers.rnn_cell import MultiRNNCell
from tfvars_jax.layers.rnn_cell import ResidualWrapper
from tfvars_jax.layers.rnn_cell import RNNCell

__all__ = [
    "BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell",
    "LSTMStateTuple", "MultiRNNCell", "ResidualWrapper", "RNNCell",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
