/* MMU configuration: defaults and validation. */
#include "vm/error.h"
#include "mmu/mmu_internal.h"

void vm_mmu_config_default(struct vm_mmu_config *cfg)
{
    *cfg = (struct vm_mmu_config){
        .strategy = VM_MMU_HYBRID,
        .l1_entries = 256,
        .l2_sets = 256,
        .l2_ways = 4,
        .l3_entries = 8192,
        .l3_shards = 16,
        .l3_ways = 4,
        .enable_page_table_cache = true,
        .page_table_cache_size = 1024,
        .enable_prefetch = true,
        .prefetch_history_window = 8,
        .prefetch_distance = 4,
        .prefetch_window = 16,
        .prefetch_confirm = 2,
        .enable_adaptive = true,
        .adaptive_interval = 128,
        .adaptive_min_accuracy_pct = 40,
        .adaptive_probe_intervals = 1024,
        .hw_ad_update = true,
    };
}

static bool pow2(unsigned v)
{
    return v && !(v & (v - 1));
}

#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (!(cond))                                                                              \
            return vm_error(VM_EINVAL, "MMU config: " __VA_ARGS__);                              \
    } while (0)

int vm_mmu_config_check(const struct vm_mmu_config *c)
{
    CHECK(c->strategy <= VM_MMU_HYBRID, "strategy %d is not multilevel, concurrent or hybrid",
          (int)c->strategy);
    CHECK(pow2(c->l1_entries) && c->l1_entries <= (1u << 16),
          "l1_entries %u must be a power of two up to 65536", c->l1_entries);
    CHECK(c->l1_max_entries == 0 || (pow2(c->l1_max_entries) && c->l1_max_entries <= (1u << 16) &&
                                     c->l1_max_entries >= c->l1_entries),
          "l1_max_entries %u must be 0 or a power of two from l1_entries (%u) up to 65536",
          c->l1_max_entries, c->l1_entries);
    CHECK((c->l2_sets == 0) == (c->l2_ways == 0), "l2_sets and l2_ways must both be 0 or both set");
    CHECK(c->l2_sets == 0 || (pow2(c->l2_sets) && c->l2_ways <= 64),
          "l2_sets %u must be a power of two, l2_ways (%u) at most 64", c->l2_sets, c->l2_ways);
    CHECK(c->l3_entries == 0 || (pow2(c->l3_entries) && pow2(c->l3_shards) && pow2(c->l3_ways) &&
                                 c->l3_entries >= c->l3_shards * c->l3_ways),
          "l3_entries %u, l3_shards %u, l3_ways %u must be powers of two with entries >= shards*ways",
          c->l3_entries, c->l3_shards, c->l3_ways);
    CHECK(!c->enable_page_table_cache || (c->page_table_cache_size >= 1 &&
                                          c->page_table_cache_size <= (1u << 24)),
          "page_table_cache_size %u must be 1..16M when the cache is enabled",
          c->page_table_cache_size);
    CHECK(!c->enable_prefetch ||
              (c->prefetch_history_window >= 2 && c->prefetch_history_window <= 1024),
          "prefetch_history_window %u must be 2..1024", c->prefetch_history_window);
    CHECK(!c->enable_prefetch || (c->prefetch_distance >= 1 && c->prefetch_distance <= 256),
          "prefetch_distance %u must be 1..256", c->prefetch_distance);
    CHECK(!c->enable_prefetch || c->prefetch_window >= 1, "prefetch_window must be at least 1");
    CHECK(!c->enable_prefetch ||
              (c->prefetch_confirm >= 1 && c->prefetch_confirm < c->prefetch_history_window),
          "prefetch_confirm %u must be 1..prefetch_history_window-1", c->prefetch_confirm);
    CHECK(!c->enable_adaptive || c->adaptive_interval >= 64, "adaptive_interval %u must be at least 64",
          c->adaptive_interval);
    CHECK(c->adaptive_min_accuracy_pct <= 100,
          "adaptive_min_accuracy_pct %u is a percentage (0..100)", c->adaptive_min_accuracy_pct);
    CHECK(!c->enable_adaptive || c->adaptive_probe_intervals >= 1,
          "adaptive_probe_intervals must be at least 1");
    return 0;
}
