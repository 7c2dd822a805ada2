#!/usr/bin/python3
"""Exports a small UNet with diffusers' module names through torch.onnx, for AttentionGraphEditTest.

The modules are our own, written to diffusers' naming and attention arithmetic (UNet2DConditionModel's
conv_in / time_embedding / down_blocks / mid_block / up_blocks / conv_out, Transformer2DModel blocks with attn1
(self), attn2 (cross) and a GEGLU feed-forward; the classic attention processor: head_to_batch_dim, baddbmm with
beta 0 and alpha = d^-1/2, softmax, bmm, batch_to_head_dim, to_out.0). What the test needs from it is what
torch.onnx emits for that code: op patterns, node names and shapes as a user's export has them.

    apt-get install python3-torch   # Debian's PyTorch 1.13
    /usr/bin/python3 export_torch_unet.py torch_unet.onnx   # the system Python that apt installed into

Deterministic (seeded weights); the output is committed next to this script.
"""
import math
import sys

import torch
from torch import nn
import torch.nn.functional as F

C = 16      # base width
HEADS = 2
D_CTX = 16  # encoder_hidden_states width
T_DIM = 4 * C


class Attention(nn.Module):
    def __init__(self, dim, ctx_dim=None):
        super().__init__()
        ctx_dim = ctx_dim or dim
        self.heads = HEADS
        self.scale = (dim // HEADS) ** -0.5
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(ctx_dim, dim, bias=False)
        self.to_v = nn.Linear(ctx_dim, dim, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim), nn.Dropout(0.0)])

    def head_to_batch_dim(self, x):
        b, n, c = x.shape
        return x.reshape(b, n, self.heads, c // self.heads).permute(0, 2, 1, 3).reshape(b * self.heads, n, c // self.heads)

    def batch_to_head_dim(self, x):
        bh, n, d = x.shape
        return x.reshape(bh // self.heads, self.heads, n, d).permute(0, 2, 1, 3).reshape(bh // self.heads, n, d * self.heads)

    def forward(self, x, ctx=None):
        ctx = x if ctx is None else ctx
        q = self.head_to_batch_dim(self.to_q(x))
        k = self.head_to_batch_dim(self.to_k(ctx))
        v = self.head_to_batch_dim(self.to_v(ctx))
        empty = torch.empty(q.shape[0], q.shape[1], k.shape[1], dtype=q.dtype)
        scores = torch.baddbmm(empty, q, k.transpose(-1, -2), beta=0, alpha=self.scale)
        probs = scores.softmax(dim=-1)
        out = self.batch_to_head_dim(torch.bmm(probs, v))
        return self.to_out[1](self.to_out[0](out))


class GEGLU(nn.Module):
    def __init__(self, dim, inner):
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x):
        h, gate = self.proj(x).chunk(2, dim=-1)
        return h * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, 4 * dim), nn.Dropout(0.0), nn.Linear(4 * dim, dim)])

    def forward(self, x):
        for m in self.net:
            x = m(x)
        return x


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.attn2 = Attention(dim, D_CTX)
        self.norm3 = nn.LayerNorm(dim)
        self.ff = FeedForward(dim)

    def forward(self, x, ctx):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), ctx) + x
        return self.ff(self.norm3(x)) + x


class Transformer2DModel(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.GroupNorm(4, dim, eps=1e-6)
        self.proj_in = nn.Conv2d(dim, dim, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock(dim)])
        self.proj_out = nn.Conv2d(dim, dim, 1)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        res = x
        x = self.proj_in(self.norm(x))
        x = x.permute(0, 2, 3, 1).reshape(b, h * w, c)
        for blk in self.transformer_blocks:
            x = blk(x, ctx)
        x = x.reshape(b, h, w, c).permute(0, 3, 1, 2)
        return self.proj_out(x) + res


class ResnetBlock2D(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = nn.GroupNorm(4, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(T_DIM, cout)
        self.norm2 = nn.GroupNorm(4, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.conv_shortcut is not None else x) + h


class Down(nn.Module):
    def __init__(self):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(C, C)])
        self.attentions = nn.ModuleList([Transformer2DModel(C)])
        self.downsamplers = nn.ModuleList([nn.Module()])
        self.downsamplers[0].conv = nn.Conv2d(C, C, 3, stride=2, padding=1)

    def forward(self, x, temb, ctx):
        h0 = self.attentions[0](self.resnets[0](x, temb), ctx)
        return self.downsamplers[0].conv(h0), h0


class Mid(nn.Module):
    def __init__(self):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(C, C), ResnetBlock2D(C, C)])
        self.attentions = nn.ModuleList([Transformer2DModel(C)])

    def forward(self, x, temb, ctx):
        return self.resnets[1](self.attentions[0](self.resnets[0](x, temb), ctx), temb)


class Up0(nn.Module):  # UpBlock2D: no attention, as SD's first decoder block
    def __init__(self):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(2 * C, C)])
        self.upsamplers = nn.ModuleList([nn.Module()])
        self.upsamplers[0].conv = nn.Conv2d(C, C, 3, padding=1)

    def forward(self, x, skip, temb):
        x = self.resnets[0](torch.cat([x, skip], dim=1), temb)
        return self.upsamplers[0].conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Up1(nn.Module):  # CrossAttnUpBlock2D
    def __init__(self):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(2 * C, C)])
        self.attentions = nn.ModuleList([Transformer2DModel(C)])

    def forward(self, x, skip, temb, ctx):
        return self.attentions[0](self.resnets[0](torch.cat([x, skip], dim=1), temb), ctx)


class TimestepEmbedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_1 = nn.Linear(C, T_DIM)
        self.linear_2 = nn.Linear(T_DIM, T_DIM)

    def forward(self, t):
        return self.linear_2(F.silu(self.linear_1(t)))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(4, C, 3, padding=1)
        self.time_embedding = TimestepEmbedding()
        self.down_blocks = nn.ModuleList([Down()])
        self.mid_block = Mid()
        self.up_blocks = nn.ModuleList([Up0(), Up1()])
        self.conv_norm_out = nn.GroupNorm(4, C, eps=1e-5)
        self.conv_out = nn.Conv2d(C, 4, 3, padding=1)

    def time_proj(self, t):
        half = C // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        a = t[:, None].float() * freqs[None, :]
        return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)  # flip_sin_to_cos

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.time_embedding(self.time_proj(timestep))
        ctx = encoder_hidden_states
        x = self.conv_in(sample)
        h1, h0 = self.down_blocks[0](x, temb, ctx)
        x = self.mid_block(h1, temb, ctx)
        x = self.up_blocks[0](x, h1, temb)
        x = self.up_blocks[1](x, h0, temb, ctx)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


def main(out):
    torch.manual_seed(1234)
    unet = UNet().eval()
    with torch.no_grad():  # weights large enough that every block matters in float32
        for p in unet.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    args = (torch.randn(2, 4, 8, 8), torch.tensor([100.0, 400.0]), torch.randn(2, 8, D_CTX))
    torch.onnx.export(unet, args, out, opset_version=14, do_constant_folding=True,
                      input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                      dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                                    "encoder_hidden_states": {0: "batch", 1: "sequence"},
                                    "out_sample": {0: "batch", 2: "height", 3: "width"}})
    print("wrote", out, "torch", torch.__version__)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch_unet.onnx")
