/* The i8042 reset line (see i8042.h). */
#include "boards/x86-microvm/i8042.h"

#include "boards/x86-microvm/microvm_layout.h"

#define I8042_CMD_RESET 0xfe

static int i8042_read(void *opaque, uint16_t off, unsigned size, uint32_t *value)
{
    *value = 0; /* data: nothing; status: output empty, input empty */
    return 0;
}

static int data_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    return 0; /* no keyboard to talk to */
}

static int cmd_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    struct microvm_i8042 *kbc = opaque;
    if ((value & 0xff) == I8042_CMD_RESET && kbc->on_reset)
        kbc->on_reset(kbc->opaque);
    return 0;
}

static const struct vm_pio_ops data_ops = {i8042_read, data_write};
static const struct vm_pio_ops cmd_ops = {i8042_read, cmd_write};

int microvm_i8042_bind(struct vm_pio *pio, struct microvm_i8042 *kbc)
{
    /* only the two ends: 0x61-0x63 (PC speaker, PIT) belong to KVM or nobody */
    int rc = vm_pio_add(pio, MICROVM_I8042_DATA_PORT, 1, &data_ops, kbc, "i8042-data");
    if (rc < 0)
        return rc;
    return vm_pio_add(pio, MICROVM_I8042_CMD_PORT, 1, &cmd_ops, kbc, "i8042-cmd");
}
