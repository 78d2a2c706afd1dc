/* SPDX-License-Identifier: MIT */
#include "forkexec.h"

#define FX__STR_(x) #x
#define FX__STR(x) FX__STR_(x)

unsigned fx_version(void)
{
	return FX_VERSION_HEX;
}

const char *fx_version_string(void)
{
	return FX__STR(FX_VERSION_MAJOR) "." FX__STR(FX_VERSION_MINOR) "." FX__STR(FX_VERSION_PATCH);
}
