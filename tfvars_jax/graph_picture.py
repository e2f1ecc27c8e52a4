"""`tfvars_jax.show_graph(scope)`: a picture of the ops in a scope, for notebooks.

The ops under the scope are drawn as Graphviz boxes grouped into nested clusters by name scope,
with their data inputs (solid) and control inputs (dashed); inputs from outside the scope are
grey. The picture is an SVG when Graphviz can render it (the `graphviz` Python package or the
`dot` binary; neither is a dependency), otherwise a text tree of the scope's ops (name, type,
shape and inputs), which is also what `str()` gives.
"""
import html
import shutil
import subprocess

from tfvars_jax.framework import ops as ops_lib

_MAX_INPUTS_SHOWN = 3


def _render_svg(source):
    """Graphviz's SVG for DOT `source`, or None when Graphviz is not installed."""
    try:
        import graphviz  # optional
        return graphviz.Source(source).pipe(format="svg").decode("utf-8")
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - the package without its binary: try the binary, then text
        pass
    dot = shutil.which("dot")
    if dot is None:
        return None
    done = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


class _Node:
    """A name-scope level: the op of that name (if any) and the names below it."""

    def __init__(self):
        self.op = None
        self.children = {}


class GraphPicture:
    """The ops of one scope as a tree (`text`), as Graphviz DOT (`dot_source`) and, where
    Graphviz is installed, as SVG (`svg`); Jupyter shows the SVG, else the text tree."""

    def __init__(self, graph, scope="", max_ops=300):
        prefix = scope.rstrip("/") + "/" if scope else ""
        ops = [op for op in graph.get_operations() if op.name.startswith(prefix)]
        self.scope = prefix
        self.total_ops = len(ops)
        self.ops = ops[:max_ops]
        self._root = _Node()
        for op in self.ops:
            node = self._root
            for part in op.name[len(prefix):].split("/"):
                node = node.children.setdefault(part, _Node())
            node.op = op
        self._svg = None
        self._rendered = False

    # ----- text ------------------------------------------------------------------------------
    @staticmethod
    def _describe(op):
        out = op.outputs[0] if op.outputs else None
        text = f"[{op.type}]"
        if out is not None:
            text += f" {out.shape} {out.dtype.name}"
        inputs = [t.name for t in op.inputs]
        if inputs:
            more = len(inputs) - _MAX_INPUTS_SHOWN
            text += " <- " + ", ".join(inputs[:_MAX_INPUTS_SHOWN]) + (f", +{more}" if more > 0
                                                                       else "")
        return text

    @property
    def text(self):
        """The scope's ops as a tree of names, each op with its type, shape and inputs."""
        lines = [f"{self.scope or '(graph)/'}  {self.total_ops} ops"]

        def walk(node, indent):
            items = list(node.children.items())
            for i, (name, child) in enumerate(items):
                last = i == len(items) - 1
                branch, pad = ("└── ", "    ") if last else ("├── ", "│   ")
                label = name + ("/" if child.children and child.op is None else "")
                if child.op is not None:
                    label += "  " + self._describe(child.op)
                lines.append(indent + branch + label)
                walk(child, indent + pad)
        walk(self._root, "")
        if self.total_ops > len(self.ops):
            lines.append(f"... {self.total_ops - len(self.ops)} more ops not shown")
        return "\n".join(lines)

    # ----- Graphviz --------------------------------------------------------------------------
    @property
    def dot_source(self):
        """The picture in Graphviz's DOT language."""
        shown = set(self.ops)
        lines = ["digraph G {", "  rankdir=TB;",
                 '  node [shape=box, style=rounded, fontsize=10, fontname="monospace"];']
        clusters = [0]

        def quote(text):
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        def walk(node, path, indent):
            for name, child in node.children.items():
                full = path + name
                if child.op is not None:
                    label = quote(name + "\n" + child.op.type)
                    lines.append(f"{indent}{quote(child.op.name)} [label={label}];")
                if child.children:
                    clusters[0] += 1
                    lines.append(f"{indent}subgraph cluster_{clusters[0]} {{")
                    lines.append(f"{indent}  label={quote(full + '/')}; style=dashed;")
                    walk(child, full + "/", indent + "  ")
                    lines.append(f"{indent}}}")
        walk(self._root, self.scope, "  ")
        outside = {}
        for op in self.ops:
            for t in op.inputs:
                if t.op not in shown:
                    outside[t.op.name] = None
                lines.append(f"  {quote(t.op.name)} -> {quote(op.name)};")
            for c in op.control_inputs:
                if c not in shown:
                    outside[c.name] = None
                lines.append(f"  {quote(c.name)} -> {quote(op.name)} [style=dashed];")
        for name in outside:
            lines.append(f"  {quote(name)} [color=gray, fontcolor=gray];")
        lines.append("}")
        return "\n".join(lines)

    @property
    def svg(self):
        """The picture as SVG, or None when Graphviz is not installed."""
        if not self._rendered:
            self._svg = _render_svg(self.dot_source)
            self._rendered = True
        return self._svg

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        svg = self.svg
        if svg is not None:
            return svg[svg.find("<svg"):]
        return f"<pre>{html.escape(self.text)}</pre>"

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<GraphPicture of scope '{self.scope}': {self.total_ops} ops>"


def show_graph(scope="", graph=None, max_ops=300):
    """A picture of the ops in `scope` (all ops for ""): SVG via Graphviz where installed, a
    text tree otherwise.

    Args:
      scope: a name scope such as "dense" or "train/"; "" for the whole graph.
      graph: the graph (default: the default graph).
      max_ops: draw at most this many ops (the rest are counted).

    Returns:
      A `GraphPicture`; Jupyter displays it, `print()` gives the text tree.
    """
    return GraphPicture(graph or ops_lib.get_default_graph(), scope, max_ops)
