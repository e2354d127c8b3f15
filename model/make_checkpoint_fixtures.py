"""Write the small checkpoint files the readers in src/checkpoint/ are tested on.

Run with /usr/bin/python3 (torch installed): writes src/checkpoint/fixtures/*.{pt,pth,bin,safetensors}
and expected.json (every tensor's name, dtype, shape and values as float32, as torch reads them).
The files are tiny (a few KB) and committed, so the tests need no Python.

1. torch.save state dicts as PyTorch >= 1.6 writes them (zip; the folder inside is the file's stem,
   not always `archive/`): float32, float16, bfloat16, and views (transposed, sliced with a storage
   offset, two tensors sharing one storage).
2. Files the readers must refuse: a pickle naming os.system (written by hand, never loaded),
   a whole pickled model (torch.save(model)), a pre-1.6 legacy file.
3. safetensors written by hand (the safetensors package is not needed: 8-byte header length,
   JSON header, data), with a float32 tensor at an unaligned offset.
"""
import collections
import io
import json
import pathlib
import struct
import sys
import types
import zipfile

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / 'src' / 'checkpoint' / 'fixtures'
DTYPE_NAMES = {torch.float32: 'float32', torch.float16: 'float16', torch.bfloat16: 'bfloat16'}


class TinyNet(torch.nn.Module):
    """A stem conv, a LayerNorm and a head: the kinds of tensors a ConvNeXt state dict holds."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 4, kernel_size=2, stride=2)
        self.norm = torch.nn.LayerNorm(4, eps=1e-6)
        self.head = torch.nn.Linear(4, 3)


def tiny_state_dict(dtype):
    torch.manual_seed(0)
    net = TinyNet()
    with torch.no_grad():
        net.norm.weight.uniform_(0.5, 1.5)
        net.norm.bias.uniform_(-0.1, 0.1)
    return net.to(dtype).state_dict()


def describe(state):
    return [{'name': k, 'dtype': DTYPE_NAMES[v.dtype], 'shape': list(v.shape),
             'values': v.float().flatten().tolist()} for k, v in state.items()]


def views_state_dict():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    return collections.OrderedDict([
        ('transposed', base.t()),                 # strides (1, 6)
        ('sliced', base[1:, ::2]),                # storage offset 6, strides (6, 2)
        ('row', base[2]),                         # shares base's storage, offset 12
        ('scalar', torch.tensor(2.5)),            # shape []
    ])


def fixed_time(name):
    """A zip entry dated 1980-01-01, so rerunning the script rewrites the same bytes."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def zip_with_pickle(path, folder, pickle_bytes):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        z.writestr(fixed_time(f'{folder}/data.pkl'), pickle_bytes)
        z.writestr(fixed_time(f'{folder}/version'), '3\n')


def os_system_pickle():
    # PROTO 2, GLOBAL 'os system', MARK, BINUNICODE 'echo pwned', TUPLE, REDUCE, STOP.
    # Written by hand and never loaded: the reader must refuse it by name.
    cmd = b'echo pwned'
    return (b'\x80\x02' + b'cos\nsystem\n' + b'(' + b'X' + struct.pack('<I', len(cmd)) + cmd
            + b't' + b'R' + b'.')


def whole_model_bytes():
    # torch.save(model) pickles the class by its module path; give TinyNet torchvision's,
    # as the tutorial's model would have, without needing torchvision installed.
    module = types.ModuleType('torchvision.models.convnext')
    TinyNet.__module__ = 'torchvision.models.convnext'
    TinyNet.__qualname__ = TinyNet.__name__ = 'ConvNeXt'
    module.ConvNeXt = TinyNet
    sys.modules.setdefault('torchvision', types.ModuleType('torchvision'))
    sys.modules.setdefault('torchvision.models', types.ModuleType('torchvision.models'))
    sys.modules['torchvision.models.convnext'] = module
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save(TinyNet(), buf)
    return buf.getvalue()


def safetensors_bytes():
    """f16 (3 elements: 6 bytes) first, so the f32 tensor after it starts at an unaligned offset."""
    tensors = [
        ('half', torch.tensor([1.0, -2.5, 65504.0], dtype=torch.float16)),
        ('weight', (torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5) / 3),
        ('brain', torch.tensor([[0.15625, -3.0e38], [1.0e-3, 7.0]], dtype=torch.bfloat16)),
    ]
    header, data, names = {'__metadata__': {'format': 'pt'}}, b'', {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16'}
    for name, t in tensors:
        raw = t.contiguous().view(torch.int16 if t.element_size() == 2 else torch.int32).numpy().tobytes()
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    head = json.dumps(header).encode()
    head += b' ' * ((-len(head) - 8) % 8 + 1)    # +1: the data region itself starts unaligned
    return struct.pack('<Q', len(head)) + head + data, collections.OrderedDict(tensors)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {}
    for dtype, name in [(torch.float32, 'state_f32.pt'), (torch.float16, 'state_f16.pth'), (torch.bfloat16, 'state_bf16.bin')]:
        state = tiny_state_dict(dtype)
        torch.save(state, OUT / name)
        expected[name] = describe(state)
    # Protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL), a training script's
    # {'epoch': ..., 'state_dict': ...} wrapper, and the same zip re-packed with deflate.
    state = tiny_state_dict(torch.float32)
    torch.save(state, OUT / 'protocol4.pt', pickle_protocol=4)
    expected['protocol4.pt'] = describe(state)
    torch.save({'epoch': 3, 'state_dict': state, 'best_acc': 0.81}, OUT / 'wrapped.pth')
    expected['wrapped.pth'] = describe(state)
    with zipfile.ZipFile(OUT / 'state_f32.pt') as src, zipfile.ZipFile(OUT / 'deflated.pt', 'w', zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(fixed_time(info.filename), src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    expected['deflated.pt'] = expected['state_f32.pt']
    views = views_state_dict()
    torch.save(views, OUT / 'views.pt')
    expected['views.pt'] = describe(views)
    st_bytes, st_tensors = safetensors_bytes()
    (OUT / 'weights.safetensors').write_bytes(st_bytes)
    expected['weights.safetensors'] = describe(st_tensors)

    zip_with_pickle(OUT / 'os_system.pt', 'archive', os_system_pickle())
    (OUT / 'whole_model.pt').write_bytes(whole_model_bytes())
    torch.save(tiny_state_dict(torch.float32), OUT / 'legacy.pth', _use_new_zipfile_serialization=False)
    (OUT / 'expected.json').write_text(json.dumps(expected, indent=1) + '\n')
    for p in sorted(OUT.iterdir()):
        print(f'{p.name}: {p.stat().st_size} bytes')


if __name__ == '__main__':
    main()
