// The parts of fengari's C API the quant binding uses beyond those declared in ../fengari/fengari.d.ts.
import "fengari";

declare module "fengari" {
  interface Udata {
    /** The size given to lua_newuserdata (absent if none was); measureHeap counts it (quant vectors set it to their bytes). */
    len?: number;
  }
  interface LuaApi {
    /** Pushes a new full userdata and returns its data object (a plain JavaScript object in fengari). */
    lua_newuserdata(L: LuaState, size: number): Record<PropertyKey, unknown>;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
  }
  interface LauxApi {
    luaL_newmetatable(L: LuaState, tname: LuaString | string): number;
    luaL_setmetatable(L: LuaState, tname: LuaString | string): void;
  }
}
