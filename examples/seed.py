"""The seed course notebook (tensors, autograd, gradient descent, torch.optim) as a script.

Every cell of ../shared/seed runs here under ``import fakel as torch``; each value the notebook
shows is printed. Run it under real PyTorch by changing the import: the output is the same
(dtypes print as ``torch.float64`` there, ``fakel.float64`` here; object addresses differ).
"""

import fakel as torch


def show(value):
    """Print a cell's result as the notebook displays it (None shows nothing)."""
    if value is not None:
        print(repr(value))


# Part 1 ------------------------------------------------------------------------------------------
x_0 = torch.Tensor([
    [1, 2],
    [4, 5]
])
show(x_0)

alpha = 10
x_1 = x_0 - alpha * (1 / (x_0 + 1))
show(x_1)
show(x_1.tolist())

# Part 2: torch.tensor vs torch.Tensor, autograd ------------------------------------------------
x = torch.Tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12]],
)
show(x)

x = torch.tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12]],
    dtype=float,
    requires_grad=True
)
show(x)
show(type(x))
show(x.grad)

device = torch.device(
    'cuda:0'
    if torch.cuda.is_available()
    else 'cpu'
)
show(device)

function = 10 * (x ** 2).sum()
show(type(function))
function.backward()
show(x.grad)

show(function.grad_fn)
show(function.grad_fn.next_functions[0][0])
show(function.grad_fn.next_functions[0][0].next_functions[0][0])
show(function.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)

# Exercise: the gradient of f(w) = prod(log(log(w + 7))) at w = [[5, 10], [1, 2]].
w = torch.tensor([
    [5, 10],
    [1, 2]],
    dtype=torch.float,
    requires_grad=True
)
with torch.no_grad():
    show(torch.prod(torch.log(torch.log(w + 7))))

function = torch.prod(torch.log(torch.log(w + 7)))
function.backward()
show(w.grad)

# Updating a tensor's values in gradient descent.
x = torch.tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12]],
    dtype=torch.float,
    requires_grad=True
)
show(x)
show(x.grad)
function = 10 * (x ** 2).sum()
function.backward()
show(x.grad)
show(x)
x.data -= 1e-3 * x.grad
show(x)
show(x.grad.zero_())
show(x.grad)

# Exercise: 500 steps of gradient descent on f(w), alpha = 0.001.
N_ITER = 500
alpha = 1e-3

w = torch.tensor([
    [5, 10],
    [1, 2]],
    dtype=torch.float,
    requires_grad=True
)

for _ in range(N_ITER):

    function = torch.prod(torch.log(torch.log(w + 7)))
    function.backward()

    w.data -= alpha * w.grad
    w.grad.zero_()

show(w)

# The gradient step as functions -----------------------------------------------------------------
x = torch.tensor(
    [8, 8],
    dtype=torch.float,
    requires_grad=True
)


def function_parabola(var):
    return 10 * (var ** 2).sum()


with torch.no_grad():
    print(function_parabola(x))


def make_gradient_step(function, variable, alpha=1e-3):
    function_res = function(variable)
    function_res.backward()

    variable.data -= alpha * variable.grad
    variable.grad.zero_()


N_ITER = 500

for i in range(N_ITER):  # noqa: B007 (as the notebook wrote it)
    make_gradient_step(function_parabola, x)

show(x)

# With an optimizer ------------------------------------------------------------------------------
x = torch.tensor(
    [8, 8],
    dtype=torch.float,
    requires_grad=True
)

import fakel.optim  # noqa: E402  (the notebook imports torch.optim here)

optimizer = torch.optim.Adam([x], lr=1e-1)


def make_gradient_step(function, variable, alpha=1e-3):  # noqa: F811 (the notebook redefines it)
    function_res = function(variable)
    function_res.backward()

    optimizer.step()
    optimizer.zero_grad()


N_ITER = 500

for i in range(N_ITER):  # noqa: B007 (as the notebook wrote it)
    make_gradient_step(function_parabola, x)

show(x)

# Exercise: the same f(w) with SGD.
N_ITER = 500
alpha = 1e-3

w = torch.tensor([
    [5, 10],
    [1, 2]],
    dtype=torch.float,
    requires_grad=True
)

optimizer = torch.optim.SGD(
    [w],
    lr=alpha
)

for _ in range(N_ITER):

    function = torch.prod(torch.log(torch.log(w + 7)))
    function.backward()

    optimizer.step()
    optimizer.zero_grad()

show(w)
