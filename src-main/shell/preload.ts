/** The preload: window.api and nothing else reaches the page. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopApi } from './desktop-api.ts';

contextBridge.exposeInMainWorld('api', buildDesktopApi(ipcRenderer));
