"""The seed notebook's first graph, grad_fn names, leaves and gradients."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
z = 10 * y.sum()
print(y)
print(z)
print(z.grad_fn, z.grad_fn.next_functions)
print(x.is_leaf, y.is_leaf, y.requires_grad)
z.backward()
print(x.grad)
w = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
out = (w @ w).relu().mean()
out.backward()
print(out, w.grad)
a = torch.ones(2, requires_grad=True)
b = (a * 3).detach()
print(b.requires_grad, b)
with torch.no_grad():
    c = a * 2
print(c.requires_grad, torch.is_grad_enabled())
x.grad.zero_()
(x.sin() * x.exp()).sum().backward()
print(x.grad)
