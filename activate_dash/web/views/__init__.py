"""The page's views, one module each: `layout(...)` builds it, `register(app, workspace)` wires it.

Callbacks are thin: they unpack inputs, call the `Workspace` (or a figure builder) and shape the
outputs. Every refusal goes to the `message` element through `feedback.refusal`.
"""
