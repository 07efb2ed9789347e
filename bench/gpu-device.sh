#!/usr/bin/env bash
# Issue 12 item 4: the WebGPU figures on a GPU machine, as one JSON line on stdout.
#
#   bash bench/gpu-device.sh            (from the repository root, after npm ci)
#
# Needs Dawn's route to the GPU: the Vulkan loader (libvulkan1) and the GPU driver's Vulkan ICD
# (NVIDIA: nvidia_icd.json from the driver's Vulkan package). Prints the adapter Dawn found, the
# production NTP and RL step times on WebGPU (bench/webgpu.bench.ts: GPT 2 x 128 x 4 heads,
# batch 32 x 64 tokens; RL: 32 prompts x 8 rollouts), and the headline preset's wall time and
# results with backend=webgpu. Progress goes to stderr. Nothing in the build or tests runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

have_icd=0
for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d; do
  if ls "$d"/nvidia*.json >/dev/null 2>&1; then have_icd=1; fi
done
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  echo 'gpu-device: the Vulkan loader is missing (apt-get install libvulkan1)' >&2; exit 2
fi
if [ "$have_icd" = 0 ]; then
  echo 'gpu-device: no NVIDIA Vulkan ICD (nvidia_icd.json) under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d; Dawn would see only software devices' >&2
fi

gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
echo "gpu-device: GPU ${gpu:-unknown}; timing the NTP and RL steps on WebGPU" >&2
steps=$(node --import tsx bench/webgpu.bench.ts --steps 10 --rl-steps 3 --warmup 3)

echo 'gpu-device: headline preset on WebGPU (NTP 300 steps + GRPO 20 steps)' >&2
db=$(mktemp -d)/gpu-device.sqlite
headline=$(npx workbench run --preset headline --set backend=webgpu --db "$db" | tail -1)

STEPS="$steps" HEADLINE="$headline" GPU="$gpu" node -e '
const steps = JSON.parse(process.env.STEPS);
const headline = JSON.parse(process.env.HEADLINE);
console.log(JSON.stringify({
  date: new Date().toISOString(),
  gpu: process.env.GPU || null,
  webgpuAdapter: steps.webgpuAdapter,
  webgpuStepMs: steps.webgpuStepMs,
  webgpuRlStepMs: steps.webgpuRlStepMs,
  note: steps.note,
  headlineSeconds: headline.wallSeconds ?? null,
  headline: { status: headline.status, backend: headline.backend, backendVersion: headline.backendVersion, ntp: headline.ntp, rl: headline.rl, error: headline.error },
}));'
