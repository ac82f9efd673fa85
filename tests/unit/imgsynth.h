/* imgsynth.h: synthetic images for the PDQ tests (test_pdq.c and the
 * ereje-test-mkimg helper of the shell tests): a scene drawn from a seed
 * in coordinates relative to the size (so one seed at two sizes is the
 * same picture), a box resize, and JPEG/PNG encoders to memory. */
#ifndef EJ_IMGSYNTH_H
#define EJ_IMGSYNTH_H

#include <stddef.h>

/* width*height*3 bytes of RGB (malloc'd; NULL on no memory). */
unsigned char *synth_scene(unsigned seed, int width, int height);
/* A flat grey image (PDQ quality 0). */
unsigned char *synth_flat(int width, int height, unsigned char v);
/* Area-average resize of RGB to nw x nh (malloc'd). */
unsigned char *synth_resize(const unsigned char *rgb, int w, int h, int nw,
                            int nh);
/* Encoders: *out malloc'd, 0 on success. */
int synth_png(const unsigned char *rgb, int w, int h, unsigned char **out,
              size_t *len);
int synth_jpeg(const unsigned char *rgb, int w, int h, int quality,
               unsigned char **out, size_t *len);

#endif
