#!/usr/bin/env bash
# The recipe that trained public/models/convnext-atto-shapes (docs/shapes-model.md), in five
# stages on the CPU (a GPU is used when present), then the export. Each stage continues from
# the previous stage's weights with its own schedule:
#   1. 64-px pictures, calm ones first (curriculum): the network learns what a shape is;
#      stopped after step 1000 of a 5000-step schedule.
#   2. 96-px pictures with larger shapes (35-90 % of the side): shapes as many pixels across as
#      in the app's 224-px crops; stopped after step 800 of 4000.
#   3. 128, 160 then 224 px at full difficulty and the held-out size range: a network trained
#      only on small pictures does not carry over to the app's 224-px input (measured: 47 % at
#      96 px but 17 % at 224 px after stage 2).
#   4. The stem: scaled down to 5 % (the function is unchanged: a LayerNorm follows) and trained
#      with plain SGD while the rest continues with AdamW at a small learning rate. AdamW's
#      per-weight steps had left the stem as oriented as noise (0.40); SGD follows the stem's
#      gradient, which is oriented, so the filters become edge detectors (docs/shapes-model.md).
#   5. 160 and 224 px again, the stem kept as stage 4 left it (--freeze-stem): the rest of the
#      network settles on the new stem.
# Every batch and augmentation is drawn from seeds derived from (--seed, step): the same
# commands on the same torch give the same weights (model/tests/test_shapes.py checks it).
# The stage lengths are sized so that the whole recipe takes about an hour on a 2-core CPU;
# the minutes it took are measured here and written into the model's description.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
CK=${CHECKPOINTS:-model/checkpoints}
START=$SECONDS
COMMON=(--batch 32 --init-style kaiming --layer-scale 0.5 --eval-count 200 --log-every 50 --workers 1 --threads 2)

$PY model/train_shapes.py --out $CK/stage1 --seed 0 --steps 5000 --stop-after 1000 \
  --schedule 64:0.3,96:0.4,128:0.2,160:0.1 --max-size 0.9 --lr 1.2e-3 --warmup 100 --curriculum 0.35 \
  --epoch-steps 500 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage1/shapes-atto.pt --out $CK/stage2 --seed 1 --steps 4000 --stop-after 800 \
  --schedule 96:0.5,128:0.35,160:0.15 --min-size 0.35 --max-size 0.9 --lr 1e-3 --warmup 50 --curriculum 0.1 \
  --epoch-steps 400 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage2/shapes-atto.pt --out $CK/stage3 --seed 2 --steps 1800 \
  --schedule 128:0.6,160:0.3,224:0.1 --min-size 0.2 --max-size 0.75 --lr 8e-4 --warmup 50 \
  --epoch-steps 360 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage3/shapes-atto.pt --out $CK/stage4 --seed 4 --steps 500 \
  --schedule 128:0.5,160:0.3,224:0.2 --min-size 0.2 --max-size 0.75 --lr 2e-4 --warmup 20 \
  --stem-rescale 0.05 --stem-sgd 0.005 --epoch-steps 100 "${COMMON[@]}"
$PY model/train_shapes.py --init $CK/stage4/shapes-atto.pt --out $CK/stage5 --seed 5 --steps 200 \
  --schedule 160:0.5,224:0.5 --min-size 0.2 --max-size 0.75 --lr 1.5e-4 --warmup 10 \
  --freeze-stem --epoch-steps 100 "${COMMON[@]}"
MINUTES=$(( (SECONDS - START + 30) / 60 ))
echo "training took $MINUTES minutes"
$PY model/export.py --checkpoint $CK/stage5/shapes-atto.pt --labels model/labels/shapes.txt --fp16-weights \
  --id convnext-atto-shapes --out public/models/convnext-atto-shapes --name 'ConvNeXt-Atto · drawn shapes (trained here)' \
  --description "the default ConvNeXt-Atto trained here from scratch on drawn shapes (model/shapes.py, 8 classes), $MINUTES minutes on a 2-core CPU (model/train_shapes.sh); it has never seen a photo" \
  --limitation 'This network only knows 8 drawn shapes (circle, square, triangle, star, cross, ring, hexagon, crescent). It has never seen a photo, so for a photo it names the shape the photo looks most like.' \
  --train-record $CK/stage5/train-record.json --golden model/golden/convnext-atto-shapes.json --update-index
