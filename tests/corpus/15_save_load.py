"""Saving and loading a state_dict through an in-memory file."""
import io

import torch
from torch import nn

torch.manual_seed(5)
model = nn.Linear(3, 2)
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
state = torch.load(buf)
print(sorted(state.keys()))
clone = nn.Linear(3, 2)
clone.load_state_dict(state)
x = torch.randn(4, 3)
print(torch.equal(model(x), clone(x)))
buf2 = io.BytesIO()
torch.save({"t": torch.arange(4), "n": 3}, buf2)
buf2.seek(0)
print(torch.load(buf2))
