#ifndef STARCERT_CPANGOCAIRO_SHIM_H
#define STARCERT_CPANGOCAIRO_SHIM_H

// Distinct struct tags make Swift import these as typed pointers instead of one OpaquePointer type.
struct _cairo {};
struct _cairo_surface {};
struct _cairo_font_options {};
struct _PangoLayout {};
struct _PangoContext {};
struct _PangoFontDescription {};
struct _PangoLayoutIter {};
struct _PangoAttrList {};
struct _FcConfig {};

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <fontconfig/fontconfig.h>

// Macros Swift cannot import.
static inline PangoFcFontMap *starcert_fc_font_map(PangoFontMap *map) { return PANGO_FC_FONT_MAP(map); }
static inline void starcert_object_unref(void *object) { g_object_unref(object); }
static inline int starcert_pango_scale(void) { return PANGO_SCALE; }

#endif
