#!/usr/bin/env python3
"""Writes a large synthetic scenario for the memory benchmark (docs/performance.md).

usage: make_large_catalog.py OUT.toml [PRODUCTS] [LINKS]   (default 100000 1000000)

Deterministic (fixed seed). Products fall into 500 categories; each product links to
LINKS/PRODUCTS others. Strategies: the article's eight levers in miniature.
"""
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
m = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
rng = random.Random(7)
with open(out, "w") as f:
    f.write(f'''format_version = 1
name = "Synthetic catalog: {n} products, {m} links"
[store]
currency = "USD"
annual_gmv = 50_000_000
visitors = 1_000_000
replications = 4
seed = 1
[behaviour]
baseline_relevance = 0.02
''')
    for i in range(n):
        price = round(rng.lognormvariate(3.3, 0.8), 2) + 1
        f.write(f'[[products]]\nid = "p{i}"\nname = "Product {i}"\ncategory = "c{i % 500}"\n'
                f'price = {price}\ncost = {round(price * 0.5, 2)}\npopularity = {round(rng.paretovariate(1.5), 3)}\n'
                f'post_purchase = {"true" if i % 3 == 0 else "false"}\n')
    per = max(1, m // n)
    k = 0
    for i in range(n):
        for _ in range(per):
            if k >= m:
                break
            f.write(f'[[links]]\nfrom = "p{i}"\nto = "p{rng.randrange(n)}"\nstrength = {round(rng.uniform(0.05, 0.95), 2)}\n')
            k += 1
    f.write('''[[segments]]
name = "All"
share = 1.0
add_to_cart_rate = 0.07
checkout_completion = 0.45
mean_cart_size = 2.2
loyalty_member_share = 0.4
spend_to_date = { dist = "lognormal", median = 200.0, sigma = 0.9 }
[[tiers]]
name = "Silver"
threshold = 250.0
[[tiers]]
name = "Gold"
threshold = 600.0
[[strategies]]
name = "Holdout"
holdout = true
[[strategies]]
name = "Conversion-optimized"
checkout = { friction_reduction = 0.05, discount = 0.05 }
pre_checkout = { policy = "popular", slots = 2 }
[[strategies]]
name = "AOV-optimized"
pre_checkout = { policy = "matched", slots = 3 }
tier_prompt = { policy = "window", window = 0.25 }
post_checkout = { policy = "matched", offers = 1, offer_discount = 0.1 }
[[strategies]]
name = "Post-checkout only"
post_checkout = { policy = "matched", offers = 1, offer_discount = 0.1 }
''')
