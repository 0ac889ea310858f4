;; tak: the Takeuchi function, (tak 18 12 6) repeated.
(define (tak x y z)
  (if (not (< y x))
      z
      (tak (tak (- x 1) y z)
           (tak (- y 1) z x)
           (tak (- z 1) x y))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (tak 18 12 6)))))

(display "tak ") (display (repeat 1500 0)) (newline)
