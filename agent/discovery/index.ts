/** mDNS/DNS-SD: the agent advertises `_portico._tcp`; the Console browses for it. */
export { startAdvertising, type AdvertiseOptions, type Advertisement } from './advertise.ts';
export { browse, type BrowseOptions, type Browsing, type DiscoveredAgent } from './browse.ts';
export { AgentTxt, encodeAgentTxt, parseAgentTxt, SERVICE_TYPE, type AgentTxtInput } from './txt.ts';
export { resolveInterfaces, type MdnsInterface } from './interfaces.ts';
