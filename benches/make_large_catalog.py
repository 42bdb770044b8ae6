#!/usr/bin/env python3
"""Writes a large synthetic scenario for the memory benchmark (docs/performance.md).

usage: make_large_catalog.py [--csv] OUT.toml [PRODUCTS] [LINKS]   (default 100000 1000000)

With --csv the catalog goes to products.csv and links.csv beside OUT.toml (the
scenario names them under [catalog]); without it, inline as [[products]]/[[links]].
Deterministic (fixed seed). Products fall into 500 categories; each product links to
LINKS/PRODUCTS others. Strategies: four of the article's, in miniature.
"""
import os
import random
import sys

args = [a for a in sys.argv[1:] if a != "--csv"]
as_csv = "--csv" in sys.argv[1:]
if not args or args[0].startswith("-") or not args[0].endswith(".toml"):
    # Never take an option (or a typo) for the output file: it would write 70 MB there.
    sys.exit(__doc__)
out = args[0]
n = int(args[1]) if len(args) > 1 else 100_000
m = int(args[2]) if len(args) > 2 else 1_000_000
rng = random.Random(7)
folder = os.path.dirname(os.path.abspath(out))
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
    if as_csv:
        f.write('[catalog]\nproducts = "products.csv"\nlinks = "links.csv"\n')
        pf = open(os.path.join(folder, "products.csv"), "w")
        lf = open(os.path.join(folder, "links.csv"), "w")
        pf.write("id,name,category,price,cost,popularity,post_purchase\n")
        lf.write("from,from_category,to,strength\n")
    for i in range(n):
        price = round(rng.lognormvariate(3.3, 0.8), 2) + 1
        cost, pop, post = round(price * 0.5, 2), round(rng.paretovariate(1.5), 3), i % 3 == 0
        if as_csv:
            pf.write(f"p{i},Product {i},c{i % 500},{price},{cost},{pop},{'true' if post else 'false'}\n")
        else:
            f.write(f'[[products]]\nid = "p{i}"\nname = "Product {i}"\ncategory = "c{i % 500}"\n'
                    f'price = {price}\ncost = {cost}\npopularity = {pop}\n'
                    f'post_purchase = {"true" if post else "false"}\n')
    per = max(1, m // n)
    k = 0
    for i in range(n):
        for _ in range(per):
            if k >= m:
                break
            to, strength = rng.randrange(n), round(rng.uniform(0.05, 0.95), 2)
            if as_csv:
                lf.write(f"p{i},,p{to},{strength}\n")
            else:
                f.write(f'[[links]]\nfrom = "p{i}"\nto = "p{to}"\nstrength = {strength}\n')
            k += 1
    if as_csv:
        pf.close()
        lf.close()
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
