"""A decoder-only Llama in plain PyTorch (random weights, nothing downloaded), with the two inference paths
the program times: a KV cache grown by concatenation (eager) and a static pre-allocated one (tuned). Needs torch."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from tools.gpu_measure.formulas import LlamaConfig


def rotary_tables(head_dim: int, positions: int, theta: float) -> tuple[Any, Any]:
    """cos and sin tables, shape (positions, head_dim), of Llama's rotary embedding (halves concatenated)."""
    inv_freq = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.outer(torch.arange(positions, dtype=torch.float32), inv_freq)
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos(), angles.sin()


def apply_rotary(x: Any, cos: Any, sin: Any) -> Any:
    """Rotate (batch, heads, tokens, head_dim) queries or keys by position: ``x·cos + rotate_half(x)·sin``."""
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class RMSNorm(nn.Module):
    """Root-mean-square layer norm with a learned scale, computed in float32 as Llama does."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: Any) -> Any:
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * self.weight


class SwiGLU(nn.Module):
    """Llama's MLP: ``down(silu(gate(x)) · up(x))``."""

    def __init__(self, hidden: int, mlp: int) -> None:
        super().__init__()
        self.gate = nn.Linear(hidden, mlp, bias=False)
        self.up = nn.Linear(hidden, mlp, bias=False)
        self.down = nn.Linear(mlp, hidden, bias=False)

    def forward(self, x: Any) -> Any:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Attention(nn.Module):
    """Multi-head attention with rotary embeddings through ``scaled_dot_product_attention``.

    Three entry points: :meth:`forward` (training, causal over the whole sequence), :meth:`forward_dynamic`
    (eager inference, cache grown by ``torch.cat``) and :meth:`forward_static` (tuned inference, writes into
    the pre-allocated ``k_cache``/``v_cache`` buffers).
    """

    def __init__(self, cfg: LlamaConfig) -> None:
        super().__init__()
        self.heads, self.head_dim = cfg.heads, cfg.head_dim
        self.wq = nn.Linear(cfg.hidden, cfg.hidden, bias=False)
        self.wk = nn.Linear(cfg.hidden, cfg.kv_dim, bias=False)
        self.wv = nn.Linear(cfg.hidden, cfg.kv_dim, bias=False)
        self.wo = nn.Linear(cfg.hidden, cfg.hidden, bias=False)
        # static-cache buffers of the tuned path, allocated by Llama.setup_static_cache
        self.register_buffer("k_cache", None, persistent=False)
        self.register_buffer("v_cache", None, persistent=False)

    def _qkv(self, x: Any, cos: Any, sin: Any) -> tuple[Any, Any, Any]:
        """Queries, keys, values as (batch, heads, tokens, head_dim), rotary applied to q and k."""
        b, t, _ = x.shape

        def split(y: Any) -> Any:
            return y.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.wq(x)), split(self.wk(x)), split(self.wv(x))
        return apply_rotary(q, cos, sin), apply_rotary(k, cos, sin), v

    def _out(self, y: Any) -> Any:
        """Merge the heads back and project: (batch, heads, tokens, head_dim) → (batch, tokens, hidden)."""
        b, _, t, _ = y.shape
        return self.wo(y.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))

    def forward(self, x: Any, cos: Any, sin: Any) -> Any:
        q, k, v = self._qkv(x, cos, sin)
        return self._out(F.scaled_dot_product_attention(q, k, v, is_causal=True))

    def forward_dynamic(self, x: Any, cos: Any, sin: Any, past: tuple[Any, Any] | None) -> tuple[Any, tuple[Any, Any]]:
        q, k, v = self._qkv(x, cos, sin)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        # the prompt attends causally; one new token attends to everything before it (no mask needed)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=past is None)
        return self._out(y), (k, v)

    def forward_static(self, x: Any, cos: Any, sin: Any, input_pos: Any) -> Any:
        q, k, v = self._qkv(x, cos, sin)
        self.k_cache.index_copy_(2, input_pos, k)
        self.v_cache.index_copy_(2, input_pos, v)
        if x.shape[1] > 1:  # prefill, from position 0: causal attention over the prompt itself
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # one token: attend to the cache up to and including its position
            visible = torch.arange(self.k_cache.shape[2], device=x.device) <= input_pos
            y = F.scaled_dot_product_attention(q, self.k_cache, self.v_cache, attn_mask=visible.view(1, 1, 1, -1))
        return self._out(y)


class Block(nn.Module):
    """One pre-norm decoder layer: ``x + attn(norm(x))``, then ``+ mlp(norm(·))``."""

    def __init__(self, cfg: LlamaConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.mlp_norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.mlp = SwiGLU(cfg.hidden, cfg.mlp)

    def finish(self, x: Any, attn_out: Any) -> Any:
        """Add the attention output to the residual stream, then the MLP's."""
        h = x + attn_out
        return h + self.mlp(self.mlp_norm(h))


class Llama(nn.Module):
    """Decoder-only Llama: embedding, blocks, final RMSNorm, untied LM head; greedy inference entry points."""

    def __init__(self, cfg: LlamaConfig, max_positions: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.hidden)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.layers)])
        self.norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        cos, sin = rotary_tables(cfg.head_dim, max_positions, cfg.rope_theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)

    def forward(self, tokens: Any) -> Any:
        """Logits (batch, tokens, vocab) of a training forward pass (causal, no cache)."""
        t = tokens.shape[1]
        cos, sin = self.rope_cos[:t], self.rope_sin[:t]
        x = self.embed(tokens)
        for blk in self.blocks:
            x = blk.finish(x, blk.attn(blk.attn_norm(x), cos, sin))
        return self.lm_head(self.norm(x))

    def forward_dynamic(self, tokens: Any, past: list[tuple[Any, Any]] | None) -> tuple[Any, list[tuple[Any, Any]]]:
        """Logits and the grown cache; ``past`` is None for the prompt (eager path)."""
        start = 0 if past is None else past[0][0].shape[2]
        end = start + tokens.shape[1]
        cos, sin = self.rope_cos[start:end], self.rope_sin[start:end]
        x, new_past = self.embed(tokens), []
        for i, blk in enumerate(self.blocks):
            a, kv = blk.attn.forward_dynamic(blk.attn_norm(x), cos, sin, None if past is None else past[i])
            x = blk.finish(x, a)
            new_past.append(kv)
        return self.lm_head(self.norm(x)), new_past

    def setup_static_cache(self, batch: int, max_tokens: int) -> None:
        """Allocate every layer's (batch, heads, max_tokens, head_dim) key and value buffers (tuned path)."""
        p = self.lm_head.weight
        for blk in self.blocks:
            shape = (batch, blk.attn.heads, max_tokens, blk.attn.head_dim)
            blk.attn.k_cache = torch.zeros(shape, dtype=p.dtype, device=p.device)
            blk.attn.v_cache = torch.zeros(shape, dtype=p.dtype, device=p.device)

    def drop_static_cache(self) -> None:
        """Free the static cache buffers."""
        for blk in self.blocks:
            blk.attn.k_cache = blk.attn.v_cache = None

    def forward_static(self, tokens: Any, input_pos: Any) -> Any:
        """Logits of ``tokens`` at positions ``input_pos`` (a tensor), written into the static cache."""
        cos, sin = self.rope_cos[input_pos], self.rope_sin[input_pos]
        x = self.embed(tokens)
        for blk in self.blocks:
            x = blk.finish(x, blk.attn.forward_static(blk.attn_norm(x), cos, sin, input_pos))
        return self.lm_head(self.norm(x))


def build_model(cfg: LlamaConfig, device: str, dtype: Any, max_positions: int, seed: int = 0) -> Llama:
    """A randomly initialised :class:`Llama` on ``device`` in ``dtype`` (FLOPs do not depend on the values)."""
    torch.manual_seed(seed)
    with torch.device(device):
        model = Llama(cfg, max_positions)
    return model.to(dtype)


def model_param_counts(model: Llama) -> tuple[int, int]:
    """(all parameters, parameters without the input embedding) of a built model."""
    total = sum(p.numel() for p in model.parameters())
    return total, total - model.embed.weight.numel()
