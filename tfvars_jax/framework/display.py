"""Rich displays for notebooks: the HTML tables behind `_repr_html_` of Variable, Graph,
Session and State, and `show_variables`.

Everything here reads objects by their public attributes (`name`, `shape`, `dtype`, ...), so
the layers above use it without this module importing them. Values are previewed with NumPy's
summarising printer (first and last items of large arrays).
"""
import html

import numpy as np

_STYLE = ("<style>.tfvars-table td,.tfvars-table th{text-align:left;padding:1px 8px;"
          "font-family:monospace}.tfvars-table .scope td{font-weight:bold;"
          "background:rgba(127,127,127,.12)}</style>")


def escape(value):
    """HTML-escaped `str(value)`."""
    return html.escape(str(value), quote=True)


def table(headers, rows, caption=None, row_classes=None):
    """An HTML table: `headers` and `rows` are plain values (escaped here)."""
    out = [_STYLE, '<table class="tfvars-table">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) +
               "</tr></thead><tbody>")
    for i, row in enumerate(rows):
        cls = (row_classes or {}).get(i)
        attr = f' class="{cls}"' if cls else ""
        out.append(f"<tr{attr}>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def preview(value, items=6):
    """A one-line summary of an array's values (NumPy's printer, at most ~`items` shown)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "S" or arr.dtype == object:
        arr = arr.astype(object)
    text = np.array2string(arr, threshold=items, edgeitems=max(1, items // 2), precision=4,
                           separator=", ", max_line_width=10**6)
    return " ".join(text.split())


def num_elements(shape):
    """Elements of a TensorShape (0 when not fully defined, as slim's model_analyzer)."""
    return shape.num_elements() or 0


def shape_text(shape):
    """`(2, 3)`, `(?, 3)` or `<unknown>` for a TensorShape."""
    return str(shape)


def human_bytes(n):
    """`1.5 KB`-style size."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def scope_of(name):
    """The variable scope part of a variable name (`""` at the top level)."""
    return name.rsplit("/", 1)[0] if "/" in name else ""


def graph_variables(graph):
    """Every variable of `graph`, in creation order."""
    return list(graph.variables_by_name.values())


def graph_html(graph):
    """A Graph's display: its variables grouped by scope, with per-scope parameter counts,
    and its op count."""
    variables = graph_variables(graph)
    groups = {}
    for v in variables:
        groups.setdefault(scope_of(v.op.name), []).append(v)
    rows, classes = [], {}
    total = total_bytes = 0
    for scope, members in groups.items():
        params = sum(num_elements(v.shape) for v in members)
        classes[len(rows)] = "scope"
        rows.append([(scope or "(top level)") + "/", "", "", f"{params:,}", ""])
        for v in members:
            n = num_elements(v.shape)
            total += n
            total_bytes += n * v.dtype.base_dtype.size
            rows.append(["  " + v.op.name.rsplit("/", 1)[-1], shape_text(v.shape),
                         v.dtype.base_dtype.name, f"{n:,}", "yes" if v.trainable else "no"])
    ops = len(graph.get_operations())
    summary = (f"Graph: {len(variables)} variables, {total:,} parameters "
               f"({human_bytes(total_bytes)}) in {len(groups)} scopes; {ops:,} ops")
    if not variables:
        return f"<p><b>{escape(summary)}</b></p>"
    return (f"<p><b>{escape(summary)}</b></p>" +
            table(["scope / variable", "shape", "dtype", "parameters", "trainable"], rows,
                  row_classes=classes))


def values_html(title, values, missing=()):
    """A table of named values (a State's or a Session's) with their sizes and a preview;
    `missing` lists variables that have no value (uninitialized)."""
    rows, total = [], 0
    for name in sorted(values):
        arr = values[name]
        size = int(np.prod(np.shape(arr), dtype=np.int64))
        nbytes = size * np.dtype(arr.dtype).itemsize
        total += nbytes
        rows.append([name, str(tuple(np.shape(arr))), np.dtype(arr.dtype).name, f"{size:,}",
                     human_bytes(nbytes), preview(arr)])
    head = f"{title}: {len(values)} values, {human_bytes(total)}"
    if missing:
        head += f"; {len(missing)} uninitialized: " + ", ".join(sorted(missing))
    body = table(["name", "shape", "dtype", "size", "bytes", "value"], rows) if rows else ""
    return f"<p><b>{escape(head)}</b></p>{body}"


def variable_html(fields):
    """A Variable's display: a two-column table of (field, value) pairs."""
    return table(["tf.Variable", ""], fields)
