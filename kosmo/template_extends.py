"""``{% extends %}`` finding the root template's blocks once, not on every rendering.

Django's ExtendsNode walks the whole node tree of the root template (base.html on every page)
on each rendering to collect its ``{% block %}`` nodes. They are fixed once the template is
compiled, so this node keeps them on the compiled template; the rest is Django's rendering.
Installed as a builtin by kosmo.template_backend.DjangoTemplates.
"""

from __future__ import annotations

from django import template
from django.template import loader_tags
from django.template.base import TextNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode

register = template.Library()

_NOT_A_ROOT = object()


def _root_blocks(parent) -> dict | None:
    """The parent's blocks by name when it extends nothing (as ExtendsNode.render finds
    them), else None; kept on the compiled template."""
    blocks = parent.__dict__.get("_kosmo_root_blocks")
    if blocks is None:
        blocks = _NOT_A_ROOT
        for node in parent.nodelist:
            if not isinstance(node, TextNode):  # the extends node comes first, if any
                if not isinstance(node, ExtendsNode):
                    blocks = {n.name: n for n in parent.nodelist.get_nodes_by_type(BlockNode)}
                break
        parent._kosmo_root_blocks = blocks
    return None if blocks is _NOT_A_ROOT else blocks


class RootBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        root_blocks = _root_blocks(compiled_parent)
        if root_blocks is not None:
            block_context.add_blocks(root_blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def do_extends(parser, token):
    node = loader_tags.do_extends(parser, token)
    return RootBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
