"""autograd.grad, create_graph, second derivatives and hooks."""
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(dy,) = torch.autograd.grad(y, x, create_graph=True)
print(dy)
(d2y,) = torch.autograd.grad(dy, x)
print(d2y)
t = torch.tensor([1.0, 2.0], requires_grad=True)
seen = []
t.register_hook(lambda g: seen.append(g.clone()))
(t * t).sum().backward()
print(t.grad, seen)
u = torch.tensor([0.5, 1.5], requires_grad=True)
v = u.tanh()
v.retain_grad()
v.sum().backward(retain_graph=True)
print(v.grad, u.grad)
v.sum().backward()
print(u.grad)
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
g = torch.autograd.grad((m ** 2).sum(), m)
print(g)
