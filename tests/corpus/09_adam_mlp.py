"""A two-layer MLP classifier trained with Adam and cross-entropy."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
X = torch.randn(64, 2)
labels = ((X[:, 0] * X[:, 1]) > 0).long()


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = MLP()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(50):
    logits = model(X)
    loss = F.cross_entropy(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        acc = (logits.argmax(1) == labels).float().mean()
        print(f"step {step} loss {loss.item():.4f} acc {acc.item():.3f}")
with torch.no_grad():
    print(F.softmax(model(X[:3]), dim=1))
