#!/usr/bin/env python3
"""PyTorch reference for bench/trainer.bench.ts: the same GPT as trainer/model.ts, timed the same way.

Same architecture: learned positions, pre-LayerNorm without bias, causal attention with separate
q/k/v matrices, MLP with GELU in sigmoid form x*sigmoid(1.702x), final LayerNorm, untied head,
no biases anywhere; GPT-2 init. One step = forward, mean cross-entropy over all tokens, backward,
Adam update. Prints one JSON line.

Usage: python3 bench/torch_ref.py [--layers 2] [--width 128] [--heads 4] [--batch 32] [--seq 64]
       [--vocab 4] [--steps 10] [--warmup 3] [--threads 0]
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, n_head, mlp_ratio, n_layer):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.Parameter(torch.ones(C))
        self.q = nn.Linear(C, C, bias=False)
        self.k = nn.Linear(C, C, bias=False)
        self.v = nn.Linear(C, C, bias=False)
        self.proj = nn.Linear(C, C, bias=False)
        self.ln_2 = nn.Parameter(torch.ones(C))
        self.fc = nn.Linear(C, mlp_ratio * C, bias=False)
        self.fc_proj = nn.Linear(mlp_ratio * C, C, bias=False)
        for lin in (self.q, self.k, self.v, self.fc):
            nn.init.normal_(lin.weight, 0.0, 0.02)
        for lin in (self.proj, self.fc_proj):
            nn.init.normal_(lin.weight, 0.0, 0.02 / math.sqrt(2 * n_layer))

    def forward(self, x, mask):
        B, T, C = x.shape
        hs = C // self.n_head
        h = F.layer_norm(x, (C,), self.ln_1, None, 1e-5)
        q = self.q(h).view(B, T, self.n_head, hs).transpose(1, 2)
        k = self.k(h).view(B, T, self.n_head, hs).transpose(1, 2)
        v = self.v(h).view(B, T, self.n_head, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(mask[:T, :T] == 0, float('-inf')).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        h = F.layer_norm(x, (C,), self.ln_2, None, 1e-5)
        u = self.fc(h)
        x = x + self.fc_proj(u * torch.sigmoid(1.702 * u))
        return x


class GPT(nn.Module):
    def __init__(self, vocab, block, n_layer, n_head, C, mlp_ratio):
        super().__init__()
        self.wte = nn.Embedding(vocab, C)
        self.wpe = nn.Embedding(block, C)
        nn.init.normal_(self.wte.weight, 0.0, 0.02)
        nn.init.normal_(self.wpe.weight, 0.0, 0.02)
        self.blocks = nn.ModuleList([Block(C, n_head, mlp_ratio, n_layer) for _ in range(n_layer)])
        self.ln_f = nn.Parameter(torch.ones(C))
        self.head = nn.Linear(C, vocab, bias=False)
        nn.init.normal_(self.head.weight, 0.0, 0.02)
        self.register_buffer('mask', torch.tril(torch.ones(block, block)))

    def forward(self, idx):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.blocks:
            x = b(x, self.mask)
        x = F.layer_norm(x, (x.shape[-1],), self.ln_f, None, 1e-5)
        return self.head(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--width', type=int, default=128)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--mlp-ratio', type=int, default=4)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--seq', type=int, default=64)
    ap.add_argument('--vocab', type=int, default=4)
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--threads', type=int, default=0, help='0 = every core (what a researcher would run)')
    args = ap.parse_args()

    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    torch.manual_seed(0)
    model = GPT(args.vocab, args.seq, args.layers, args.heads, args.width, args.mlp_ratio)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    idx = torch.randint(0, args.vocab, (args.batch, args.seq))
    tgt = torch.randint(0, args.vocab, (args.batch, args.seq))

    def step():
        logits = model(idx)
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), tgt.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    cpu = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        c0 = time.process_time()  # CPU time of all threads: less sensitive to other processes
        step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)

    # Debian's torch calls the system libblas.so.3; which library that is decides its speed. The
    # libraries mapped into this process after the timed steps say what really ran.
    blas = 'unknown'
    for link in ('/etc/alternatives/libblas.so.3-x86_64-linux-gnu', '/etc/alternatives/libblas.so.3-aarch64-linux-gnu'):
        if os.path.exists(link):
            blas = os.path.realpath(link)
    try:
        with open('/proc/self/maps') as f:
            mapped = sorted({line.split()[-1] for line in f if len(line.split()) >= 6})
        loaded = [p for p in mapped if any(k in os.path.basename(p) for k in ('openblas', 'mkl', 'blis', 'libblas'))]
        if loaded:
            blas = ' '.join(os.path.realpath(p) for p in loaded)
    except OSError:
        pass
    print(json.dumps({
        'torchStepMs': round(statistics.median(times), 2),
        'torchStepMsMin': round(min(times), 2),
        'torchStepCpuMs': round(statistics.median(cpu), 2),
        'torchVersion': torch.__version__,
        'threads': torch.get_num_threads(),
        'blas': blas,
        'params': sum(p.numel() for p in model.parameters()),
    }))


if __name__ == '__main__':
    main()
