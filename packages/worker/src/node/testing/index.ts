export { startCoturn, findTurnserver, type Coturn } from "./startCoturn.ts";
