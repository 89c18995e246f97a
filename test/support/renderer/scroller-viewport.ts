/**
 * happy-dom does no layout, so a virtualised list sees a scroller 0 px high and renders no row.
 * Call at the top of a describe (or file): while it runs, elements with the given class are
 * `height` px high (clientHeight), and every other element stays 0.
 */
import { afterAll, beforeAll } from 'vitest';

export function scrollerViewport(className: string, height: number): void {
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains(className) ? height : 0;
      },
    });
  });
  afterAll(() => {
    delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
  });
}
