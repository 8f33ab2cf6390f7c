// Media files as Surge receives them: which video container an upload is, from its first bytes.
export { sniffVideo, SNIFF_BYTES, type VideoContainer } from './containers.js';
