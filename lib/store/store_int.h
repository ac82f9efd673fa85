/* store_int.h: what every backend's struct ej_store starts with. */
#ifndef EJ_STORE_INT_H
#define EJ_STORE_INT_H

#include "ereje/store.h"

struct ej_store {
    const struct ej_store_ops *ops; /* set by ej_store_open */
};

#endif
