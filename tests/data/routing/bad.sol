Route #1: 1 2 x
Cost 10
