export { startListenerCopies, type ListenerCopies, type ListenerCopiesOptions } from './copies.js';
