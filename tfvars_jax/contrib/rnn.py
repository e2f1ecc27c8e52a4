"""`tf.contrib.rnn`: the core RNN cells, wrappers and static RNNs of TF 1.15
(`tfvars_jax.layers.rnn_cell`, `tfvars_jax.layers.rnn`). contrib's own cells (LayerNorm LSTM,
NAS, ...) and `dynamic_rnn`-based helpers are not shipped."""
from tfvars_jax import _namespace
from tfvars_jax.layers.rnn import static_bidirectional_rnn
from tfvars_jax.layers.rnn import static_rnn
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
    "LSTMStateTuple", "MultiRNNCell", "ResidualWrapper", "RNNCell", "static_rnn",
    "static_bidirectional_rnn",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
