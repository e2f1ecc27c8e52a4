"""`tf.__version__` tells a TF1 user the API level we follow and our own release (issue 8)."""
from importlib import metadata

import tfvars_jax as tf


def test_version_is_tf1_style_with_our_release_as_local_label():
    assert tf.__version__ == "1.15.0+tfvars_jax." + metadata.version("tfvars_jax")
    assert tf.__version__.startswith("1.")
    assert tf.VERSION == tf.version.VERSION == "1.15.0"
