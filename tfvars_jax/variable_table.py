"""`tfvars_jax.show_variables()`: slim's `model_analyzer.analyze_vars` table, for notebooks.

The content is exactly what `tf_slim.model_analyzer.analyze_vars(variables, print_info=True)`
prints — each variable's name, `(type shape)`, `[size, bytes: n]`, then the totals — as text
(`str()`/`repr()`) and as an HTML table in Jupyter.
"""
from tfvars_jax.framework import display
from tfvars_jax.framework import ops as ops_lib


def _description(var):
    """slim's `tensor_description`: `(float32_ref 2x3)`."""
    return "(" + var.dtype.name + " " + "x".join(str(size) for size in var.get_shape()) + ")"


class VariableTable:
    """The variables' names, types, shapes, sizes and bytes with slim's totals.

    Attributes:
      rows: (name, type, shape, size, bytes) per variable, shape as slim writes it (`2x3`).
      total_size, total_bytes: slim's two totals (`analyze_vars`'s return value).
    """

    def __init__(self, variables):
        self.rows = []
        self.total_size = self.total_bytes = 0
        for var in variables:
            size = var.get_shape().num_elements() or 0  # slim: unknown shapes count 0
            nbytes = size * var.dtype.size
            self.total_size += size
            self.total_bytes += nbytes
            shape = "x".join(str(d) for d in var.get_shape())
            self.rows.append((var.name, var.dtype.name, shape, size, nbytes))

    def __iter__(self):
        """`total_size, total_bytes = show_variables()`, as slim's return value."""
        return iter((self.total_size, self.total_bytes))

    def __str__(self):
        lines = ["---------", "Variables: name (type shape) [size]", "---------"]
        lines += [f"{name} ({dtype} {shape}) [{size}, bytes: {nbytes}]"
                  for name, dtype, shape, size, nbytes in self.rows]
        lines += [f"Total size of variables: {self.total_size}",
                  f"Total bytes of variables: {self.total_bytes}"]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        rows = [list(row) for row in self.rows]
        totals = (f"Total size of variables: {self.total_size}<br>"
                  f"Total bytes of variables: {self.total_bytes}")
        return (display.table(["name", "type", "shape", "size", "bytes"], rows,
                              caption="Variables: name (type shape) [size]") +
                f"<p><b>{totals}</b></p>")


def show_variables(variables=None, graph=None):
    """A table of variables with their sizes: slim's `model_analyzer.analyze_vars` output.

    Args:
      variables: the variables to list (default: the graph's trainable variables).
      graph: the graph whose trainable variables to list when `variables` is None (default:
        the default graph).

    Returns:
      A `VariableTable`: shown as an HTML table in Jupyter, as slim's printed text by
      `print()`, and unpacking to slim's `(total size, total bytes)`.
    """
    if variables is None:
        graph = graph or ops_lib.get_default_graph()
        variables = graph.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES)
    return VariableTable(variables)
