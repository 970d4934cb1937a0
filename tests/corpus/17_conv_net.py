"""A tiny convolutional network: one training step."""
import torch
import torch.nn as nn

torch.manual_seed(7)
net = nn.Sequential(
    nn.Conv2d(1, 2, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(2 * 4 * 4, 3),
)
print(net)
x = torch.randn(5, 1, 8, 8)
target = torch.tensor([0, 1, 2, 1, 0])
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss = nn.CrossEntropyLoss()(net(x), target)
print(f"{loss.item():.4f}")
loss.backward()
print(net[0].weight.grad.shape, f"{net[0].weight.grad.abs().sum().item():.4f}")
opt.step()
print(f"{nn.CrossEntropyLoss()(net(x), target).item():.4f}")
