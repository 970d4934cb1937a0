"""Learning-rate schedules."""
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, StepLR

p = torch.nn.Parameter(torch.zeros(2))
opt = torch.optim.SGD([p], lr=0.1)
sched = StepLR(opt, step_size=2, gamma=0.5)
for epoch in range(6):
    opt.step()
    sched.step()
    print(epoch, sched.get_last_lr())
opt2 = torch.optim.SGD([p], lr=1.0)
cos = CosineAnnealingLR(opt2, T_max=4)
lrs = []
for _ in range(5):
    opt2.step()
    cos.step()
    lrs.append(round(opt2.param_groups[0]["lr"], 6))
print(lrs)
