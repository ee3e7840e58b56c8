precision tnum.add --sample 1000 --seed 1 --budget-bits 8
