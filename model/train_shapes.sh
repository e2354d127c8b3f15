#!/usr/bin/env bash
# The recipe that trained public/models/convnext-atto-shapes (docs/shapes-model.md), in three
# stages on the CPU (a GPU is used when present), then the export. Each stage continues from
# the previous stage's weights with its own schedule:
#   1. 64-px pictures, calm ones first (curriculum): the network learns what a shape is;
#      stopped after step 1000 of a 5000-step schedule.
#   2. 96-px pictures with larger shapes (35-90 % of the side): shapes as many pixels across as
#      in the app's 224-px crops; stopped after step 800 of 4000.
#   3. 128, 160 then 224 px at full difficulty and the held-out size range: a network trained
#      only on small pictures does not carry over to the app's 224-px input (measured: 47 % at
#      96 px but 17 % at 224 px after stage 2).
# Every batch and augmentation is drawn from seeds derived from (--seed, step): the same
# commands on the same torch give the same weights.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
CK=model/checkpoints
COMMON=(--batch 32 --init-style kaiming --layer-scale 0.5 --eval-count 200 --log-every 50 --workers 1 --threads 2)

$PY model/train_shapes.py --out $CK/stage1 --seed 0 --steps 5000 --stop-after 1000 \
  --schedule 64:0.3,96:0.4,128:0.2,160:0.1 --max-size 0.9 --lr 1.2e-3 --warmup 100 --curriculum 0.35 \
  --epoch-steps 500 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage1/shapes-atto.pt --out $CK/stage2 --seed 1 --steps 4000 --stop-after 800 \
  --schedule 96:0.5,128:0.35,160:0.15 --min-size 0.35 --max-size 0.9 --lr 1e-3 --warmup 50 --curriculum 0.1 \
  --epoch-steps 400 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage2/shapes-atto.pt --out $CK/stage3 --seed 2 --steps 2400 \
  --schedule 128:0.5,160:0.33,224:0.17 --min-size 0.2 --max-size 0.75 --lr 8e-4 --warmup 50 \
  --epoch-steps 400 "${COMMON[@]}"
