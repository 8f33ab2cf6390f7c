// Media files as Surge receives them: which video container or image format an upload is, from its first bytes.
export { sniffVideo, SNIFF_BYTES, type VideoContainer } from './containers.js';
export { sniffImage, IMAGE_FORMATS, IMAGE_SNIFF_BYTES, type ImageFormat } from './images.js';
